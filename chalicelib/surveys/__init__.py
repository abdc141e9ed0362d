"""Surveys: definitions, eligibility (throttling), impressions, responses, declines."""

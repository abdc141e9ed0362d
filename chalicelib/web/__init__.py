"""The banner's static files, the demo host page and the privacy notice pages."""

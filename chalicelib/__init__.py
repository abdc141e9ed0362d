"""trustloop: customer feedback and privacy incidents, serverless on AWS."""

"""trustloop's Chalice app: registers each domain's routes and event handlers; no logic."""
from __future__ import annotations

from chalice import Chalice, ConvertToMiddleware

from chalicelib import cors, openapi
from chalicelib.insight import handlers as insight_handlers
from chalicelib.insight import routes as insight_routes
from chalicelib.obs import logger, metrics
from chalicelib.surveys import routes as survey_routes

app = Chalice(app_name="trustloop")

app.register_middleware(ConvertToMiddleware(logger.inject_lambda_context(clear_state=True)))
app.register_middleware(ConvertToMiddleware(metrics.log_metrics(capture_cold_start_metric=True)))
app.register_middleware(cors.add_cors_headers, "http")

app.register_blueprint(survey_routes.public)
app.register_blueprint(survey_routes.admin)
app.register_blueprint(insight_routes.admin)
app.register_blueprint(insight_handlers.events)
app.register_blueprint(cors.preflight)
app.register_blueprint(openapi.routes)

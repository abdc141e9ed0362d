"""trustloop's Chalice app: registers each domain's routes and event handlers; no logic."""
from __future__ import annotations

from chalice import Chalice, ConvertToMiddleware, Rate

from chalicelib import cors, openapi
from chalicelib.insight import handlers as insight_handlers
from chalicelib.insight import routes as insight_routes
from chalicelib.links import routes as link_routes
from chalicelib.obs import logger, metrics
from chalicelib.privacy import routes as privacy_routes
from chalicelib.privacy import service as privacy_service
from chalicelib.surveys import routes as survey_routes
from chalicelib.web import routes as web_routes

app = Chalice(app_name="trustloop")

app.register_middleware(ConvertToMiddleware(logger.inject_lambda_context(clear_state=True)))
app.register_middleware(ConvertToMiddleware(metrics.log_metrics(capture_cold_start_metric=True)))
app.register_middleware(cors.add_cors_headers, "http")

app.register_blueprint(survey_routes.public)
app.register_blueprint(survey_routes.admin)
app.register_blueprint(privacy_routes.admin)
app.register_blueprint(privacy_routes.public)
app.register_blueprint(insight_routes.admin)
app.register_blueprint(insight_handlers.events)
app.register_blueprint(cors.preflight)
app.register_blueprint(openapi.routes)
app.register_blueprint(web_routes.web)
app.register_blueprint(link_routes.public)
app.register_blueprint(link_routes.admin)


@app.schedule(Rate(1, unit=Rate.DAYS), name="privacy_retention")
def privacy_retention(event: object) -> None:
    privacy_service.run_retention()

"""Privacy incidents: intake, workflow tasks, severity, notifications, reports."""

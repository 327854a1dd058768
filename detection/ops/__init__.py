"""Running the service: request middleware (metrics, tracing, outage answers), API rate
limits, structured logging and tracing. Light: settings.py imports the logging config."""

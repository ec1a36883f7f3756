"""A local stand-in for Slack: a web page, Slack's Web API, and signed requests to the real bot."""

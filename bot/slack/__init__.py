"""The Slack adapter: Bolt app, Block Kit renderer, listeners, notifier and HTTP server."""

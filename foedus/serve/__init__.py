"""``foedus serve``: a local web app to look at a treaty on any date and try what-if events."""

from foedus.serve.app import App, Response, Server, make_server, serve

__all__ = ["App", "Response", "Server", "make_server", "serve"]

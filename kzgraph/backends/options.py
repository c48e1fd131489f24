"""The remote backend's choices, in a module that imports nothing: the HTTP client, the remote backend, the
store selection and the command line all read them here, without importing httpx or one another."""

__all__ = ["AUTH_SCHEMES", "DEFAULT_AUTH", "DEFAULT_GRAPH", "DEFAULT_GRAPHS", "DEFAULT_METHOD", "DEFAULT_RETRIES",
           "METHODS"]

#: How the remote backend authenticates (``auth=``).
AUTH_SCHEMES = ("basic", "digest", "bearer")
#: How it sends queries (``method=``): see ``kzgraph.backends.remote.RemoteBackend``.
METHODS = ("auto", "get", "post-form", "post-direct")
#: How it asks for the union of the graphs (``default_graph=``): see ``kzgraph.backends.remote``.
DEFAULT_GRAPHS = ("auto", "protocol", "union-parameter", "server")

#: The defaults: the first of each choice, and how often a 429 or 503 is retried.
DEFAULT_AUTH = AUTH_SCHEMES[0]
DEFAULT_METHOD = METHODS[0]
DEFAULT_GRAPH = DEFAULT_GRAPHS[0]
DEFAULT_RETRIES = 3

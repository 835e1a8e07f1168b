"""Serving defaults, in one place (kept free of imports: `rlm --help` reads them)."""

DEFAULT_HOST = "127.0.0.1"  # this machine only: exposing a code-running service is a choice to make explicitly
DEFAULT_PORT = 8000
DEFAULT_MAX_CONCURRENT_RUNS = 4
DEFAULT_MAX_QUEUED_RUNS = 64
DEFAULT_MAX_BODY_MB = 64.0  # ~16M tokens of text: RLM inputs are long by design
DEFAULT_KEEP_RUNS = 256
DEFAULT_BODY_TIMEOUT_S = 30.0  # a client that sends no part of its body for this long gets 408 (a stalled upload)
DEFAULT_MAX_CONNECTIONS = 512  # open connections before new ones get 503 (uvicorn's limit_concurrency)
DEFAULT_BACKLOG = 2048  # connections the OS queues before uvicorn accepts them (uvicorn's own default)
DEFAULT_KEEP_ALIVE_S = 5.0  # an idle keep-alive connection is closed after this long
# Host headers always accepted: a web page can make a browser send requests to 127.0.0.1 under a name
# it controls (DNS rebinding), and that name is then the Host. Other names must be allowed explicitly.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
API_KEY_ENV = "RECURSIVELM_SERVER_API_KEY"  # every variable of ours starts with RECURSIVELM_
OLD_API_KEY_ENV = "RLM_SERVER_API_KEY"  # its name before that, still read

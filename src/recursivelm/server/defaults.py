"""Serving defaults, in one place (kept free of imports: `rlm --help` reads them)."""

DEFAULT_HOST = "127.0.0.1"  # this machine only: exposing a code-running service is a choice to make explicitly
DEFAULT_PORT = 8000
DEFAULT_MAX_CONCURRENT_RUNS = 4
DEFAULT_MAX_QUEUED_RUNS = 64
DEFAULT_MAX_BODY_MB = 64.0  # ~16M tokens of text: RLM inputs are long by design
DEFAULT_KEEP_RUNS = 256
API_KEY_ENV = "RLM_SERVER_API_KEY"

"""Django's SQLite backend with writers queued on a file lock (``ENGINE = "shebao.core.sqlite"``)."""

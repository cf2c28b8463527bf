"""Test support shared by every app's tests (pytest plugins registered by the root ``conftest.py``).

* :mod:`shebao.testing.browser`: Debian's chromium through Playwright against ``live_server``, and
  the database snapshot put back after every transactional test.
* :mod:`shebao.testing.factories`: valid identifiers, staff per role and department, logged-in and
  bearer-token clients, checklists and applicants for intake.
"""

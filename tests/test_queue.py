"""`okr_project.queue` finds every app's task in a plain web process.

Celery's autodiscovery is lazy: only a starting worker imports the apps' `tasks.py`. A web
process (runserver, gunicorn) had not, so `enqueue_on_commit` raised NotRegistered after
commit — logged, and the invitation or password reset mail was never queued.
"""

import subprocess
import sys

from tests.servers import ROOT, server_env

CODE = """
from celery import current_app
from okr_project.queue import task
names = ["accounts.tasks.send_invitation", "accounts.tasks.send_password_reset",
         "notifications.tasks.notify_conversation"]
print(all(n not in current_app.tasks for n in names[:1]), [task(n).name for n in names])
"""


def test_a_fresh_web_process_resolves_every_task_by_name():
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", CODE],
        cwd=ROOT, env=server_env(CAIRN_ENV="development"), capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    line = result.stdout.splitlines()[-1]
    assert line.startswith("True")  # not discovered yet: what the web process starts with
    assert "accounts.tasks.send_password_reset" in line

"""The production WSGI application plus one response header, for `manage.py bench_http` only.

`X-Cairn-Queries` is the number of SQL statements the request ran (counted with Django's
`execute_wrapper`, so it works with DEBUG off). Nothing in the app imports this module and
`okr_project.wsgi` is unchanged: the benchmark starts gunicorn on `devtools.bench_wsgi` to
measure query counts under production settings, over real HTTP.
"""

from django.db import connections

from okr_project.wsgi import application as django_application

HEADER = "X-Cairn-Queries"


def application(environ, start_response):
    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    def start(status, headers, exc_info=None):
        return start_response(status, [*headers, (HEADER, str(count))], exc_info)

    with connections["default"].execute_wrapper(counter):
        return django_application(environ, start)

"""What `OPTIONS` answers on an API route: DRF's description of the body each write takes.

DRF's `SimpleMetadata` loads the row (`get_object`) before describing a PUT, to hide the
form from someone the row's object permissions refuse. Cairn has no object permissions:
what a member may do is the policy's, asked by the services when the write happens, so the
description never depends on the row. Loading it also assumed every view has a queryset
(a settings endpoint has none, and its `OPTIONS` was a 500). This class describes the body
after the view's permission classes alone.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.metadata import SimpleMetadata
from rest_framework.request import clone_request


class BodyMetadata(SimpleMetadata):
    def determine_actions(self, request, view) -> dict:
        actions = {}
        for method in sorted({"PUT", "POST", "PATCH"} & set(view.allowed_methods)):
            view.request = clone_request(request, method)
            try:
                view.check_permissions(view.request)
            except (exceptions.APIException, PermissionDenied, Http404):
                continue
            else:
                actions[method] = self.get_serializer_info(view.get_serializer())
            finally:
                view.request = request
        return actions

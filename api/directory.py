"""The contact directory over the API: whom to reach, open now or when, who is on call, and
the route a ticket would take right now. Read-only; the same selectors as the desk's
directory page, so the two never disagree."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from contacts.routing import on_call_now_by_department, open_status
from contacts.selectors import departments_for_directory

from .problems import PROBLEM_RESPONSES


class ChannelSerializer(serializers.Serializer):
    kind = serializers.CharField()
    value = serializers.CharField()
    label = serializers.CharField()
    restriction = serializers.CharField()


class OnCallSerializer(serializers.Serializer):
    person = serializers.CharField()
    phone = serializers.CharField()
    until = serializers.DateTimeField()


class DepartmentSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    purpose = serializers.CharField()
    open_now = serializers.BooleanField()
    opens_at = serializers.DateTimeField(allow_null=True)
    on_call_now = OnCallSerializer(allow_null=True)
    channels = ChannelSerializer(many=True)


class RouteSerializer(serializers.Serializer):
    department = serializers.CharField(help_text="The department's code.")
    channel = ChannelSerializer(allow_null=True)
    on_call = OnCallSerializer(allow_null=True)
    open_now = serializers.BooleanField()
    opens_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField(help_text="Why this route, in words.")
    copies = serializers.ListField(child=serializers.CharField())


class ReadsTheDirectory(BasePermission):
    message = "This account's role does not read the contact directory."

    def has_permission(self, request, view) -> bool:
        return request.user.has_perm("contacts.view_department")


def on_call_data(shift) -> dict | None:
    if shift is None:
        return None
    return {"person": str(shift.person), "phone": shift.phone, "until": shift.ends_at}


def channel_data(channel) -> dict | None:
    if channel is None:
        return None
    return {
        "kind": channel.kind,
        "value": channel.value,
        "label": channel.label,
        "restriction": channel.restriction,
    }


def route_data(route) -> dict:
    return {
        "department": route.department.code,
        "channel": channel_data(route.channel),
        "on_call": on_call_data(route.on_call),
        "open_now": route.is_open,
        "opens_at": route.opens_at,
        "reason": route.reason,
        "copies": list(route.copies),
    }


class DirectoryView(APIView):
    """Every department: channels, open now (or when it opens) and who is on call now."""

    permission_classes = [IsAuthenticated, ReadsTheDirectory]

    @extend_schema(
        operation_id="directory_list",
        responses={200: DepartmentSerializer(many=True), **PROBLEM_RESPONSES},
    )
    def get(self, request):
        now = timezone.now()
        on_call = on_call_now_by_department(now)
        rows = []
        for department in departments_for_directory(""):
            is_open, opens_at = open_status(department, now)
            rows.append(
                {
                    "code": department.code,
                    "name": department.name,
                    "purpose": department.purpose,
                    "open_now": is_open,
                    "opens_at": opens_at,
                    "on_call_now": on_call_data(on_call.get(department.pk)),
                    "channels": [channel_data(c) for c in department.channels.all()],
                }
            )
        return Response(DepartmentSerializer(rows, many=True).data)

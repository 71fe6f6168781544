"""Customers over the API: upsert by the other system's user ID, so a helpdesk can keep
names and companies current before (or without) opening a ticket. Email addresses are
never changed from here: a customer's address is where their replies are matched."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.validators import validate_single_line
from escalation.models import Customer
from escalation.services import customer_find_or_create
from escalation.services.customers import customer_update_from_helpdesk

from .idempotency import once
from .problems import PROBLEM_RESPONSES
from .serializers import CustomerInputSerializer, CustomerSerializer


class UpsertSerializer(CustomerInputSerializer):
    external_user_id = serializers.CharField(
        max_length=100,
        validators=[validate_single_line],
        help_text="The customer's user ID in the other system (required here).",
    )


class WritesCustomers(BasePermission):
    message = "This account's role may not add or change customers."

    def has_permission(self, request, view) -> bool:
        return request.user.has_perm("escalation.add_customer")


class CustomerUpsertView(APIView):
    permission_classes = [IsAuthenticated, WritesCustomers]

    @extend_schema(
        operation_id="customers_upsert",
        request=UpsertSerializer,
        responses={200: CustomerSerializer, 201: CustomerSerializer, **PROBLEM_RESPONSES},
    )
    def post(self, request):
        """Add the customer with this external user ID (found by it, else by email), or
        bring its name and company up to date: 201 when added, 200 when it existed."""
        return once(request, lambda: self._upsert(request))

    def _upsert(self, request) -> Response:
        data = UpsertSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        with transaction.atomic():
            existed = Customer.objects.filter(external_user_id=fields["external_user_id"]).first()
            if existed is None:
                existed = Customer.objects.filter(email__iexact=fields["email"]).first()
            customer = customer_find_or_create(actor=request.user, **fields)
            if existed is not None:
                customer = customer_update_from_helpdesk(
                    customer=customer,
                    actor=request.user,
                    name=fields.get("name", ""),
                    company=fields.get("company", ""),
                    external_user_id=fields["external_user_id"],
                )
        code = status.HTTP_200_OK if existed is not None else status.HTTP_201_CREATED
        return Response(CustomerSerializer(customer).data, status=code)

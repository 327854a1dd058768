"""/api/v1/webhook/: the calling token's signing secret and default callback URL;
/api/v1/webhook/deliveries/: the caller's callbacks with every attempt."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ApiToken
from detection.validation import InputError
from detection.webhooks.models import Callback, DeliveryAttempt, TokenWebhook
from detection.webhooks.send import check_callback_url
from detection.webhooks.signing import new_secret


class TokenWebhookSerializer(serializers.ModelSerializer):
    class Meta:
        model = TokenWebhook
        fields = ["callback_url", "created_at"]
        read_only_fields = ["created_at"]


class TokenWebhookCreatedSerializer(TokenWebhookSerializer):
    secret = serializers.CharField(help_text="Shown once: sign checks use it.")

    class Meta(TokenWebhookSerializer.Meta):
        fields = ["callback_url", "secret", "created_at"]


def _token(request: Request) -> ApiToken:
    if not isinstance(request.auth, ApiToken):
        raise InputError("webhooks belong to an API token: call this with Bearer auth")
    return request.auth


class TokenWebhookView(APIView):
    @extend_schema(responses={200: TokenWebhookSerializer})
    def get(self, request: Request) -> Response:
        endpoint = TokenWebhook.objects.filter(token=_token(request)).first()
        if endpoint is None:
            return Response({"error": {"code": "not_found", "message": "no webhook"}}, 404)
        return Response(TokenWebhookSerializer(endpoint).data)

    @extend_schema(request=TokenWebhookSerializer, responses={201: TokenWebhookCreatedSerializer})
    def put(self, request: Request) -> Response:
        """Create (or rotate) the token's secret and set its default callback URL."""
        token = _token(request)
        data = TokenWebhookSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        url = data.validated_data.get("callback_url", "")
        if url:
            check_callback_url(url)
        endpoint, _ = TokenWebhook.objects.update_or_create(
            token=token, defaults={"callback_url": url, "secret": new_secret()}
        )
        return Response(TokenWebhookCreatedSerializer(endpoint).data, status=201)

    def delete(self, request: Request) -> Response:
        TokenWebhook.objects.filter(token=_token(request)).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeliveryAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ["number", "at", "status_code", "error", "duration_ms", "next_retry_s"]
        read_only_fields = fields


class CallbackSerializer(serializers.ModelSerializer):
    deliveries = DeliveryAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = Callback
        fields = [
            "id",
            "detection",
            "post",
            "url",
            "state",
            "attempts",
            "created_at",
            "finished_at",
            "deliveries",
        ]
        read_only_fields = fields


class CallbackViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CallbackSerializer
    lookup_value_converter = "uuid"

    def get_queryset(self) -> QuerySet[Callback]:
        owner = self.request.user
        rows = Callback.objects.filter(owner=owner).prefetch_related("deliveries")  # type: ignore[misc]
        for name in ("detection", "post"):
            value = self.request.query_params.get(name)
            if value:
                try:
                    rows = rows.filter(**{f"{name}_id": UUID(value)})
                except ValueError as exc:
                    raise InputError(f"'{name}' must be an id") from exc
        return rows

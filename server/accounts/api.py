from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from server.tenancy.access import is_office_staff

from .services import (
    SignInError,
    api_token_get_or_create,
    signed_in_user,
    user_sign_in_check,
    ws_ticket_issue,
)


class TokenApi(APIView):
    """Exchange an e-mail address and password for an API token (`Authorization: Token <token>`)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        password = serializers.CharField(trim_whitespace=False)

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user = user_sign_in_check(request=request._request, **data.validated_data)
        except SignInError as error:
            code = status.HTTP_429_TOO_MANY_REQUESTS if error.code == "too_many_attempts" else 400
            return Response({"code": error.code, "message": error.message}, status=code)
        return Response({"token": api_token_get_or_create(user=user)})


class WsTicketApi(APIView):
    """A one-time ticket, valid 60 s, to open `/ws/?ticket=<ticket>` without a session cookie."""

    class OutputSerializer(serializers.Serializer):
        ticket = serializers.CharField()
        expires_in = serializers.IntegerField()

    @extend_schema(request=None, responses={201: OutputSerializer})
    def post(self, request: Request) -> Response:
        issued = ws_ticket_issue(user=signed_in_user(request))
        return Response(
            {"ticket": issued.ticket, "expires_in": issued.expires_in},
            status=status.HTTP_201_CREATED,
        )


class MeApi(APIView):
    """Who is signed in."""

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        email = serializers.EmailField()
        name = serializers.CharField()
        is_office_staff = serializers.BooleanField()

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request: Request) -> Response:
        user = signed_in_user(request)
        return Response(
            {
                "id": user.pk,
                "email": user.email,
                "name": user.display_name,
                "is_office_staff": is_office_staff(user),
            }
        )

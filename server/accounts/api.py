from django.contrib.auth import update_session_auth_hash
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from server.tenancy.access import is_office_staff

from .models import ApiToken
from .passwords import password_change, password_reset_request, password_set_with_token
from .services import (
    SignInError,
    api_token_issue,
    api_token_revoke,
    credential_of,
    signed_in_user,
    user_sign_in_check,
    user_sign_out,
    ws_ticket_issue,
)


class TokenApi(APIView):
    """Exchange an e-mail address and password for an API token (`Authorization: Token <token>`)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        password = serializers.CharField(trim_whitespace=False)
        name = serializers.CharField(
            max_length=100,
            required=False,
            default="",
            allow_blank=True,
            help_text="What the token is for",
        )

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        credentials = dict(data.validated_data)
        name = credentials.pop("name")
        try:
            user = user_sign_in_check(request=request._request, **credentials)
        except SignInError as error:
            code = status.HTTP_429_TOO_MANY_REQUESTS if error.code == "too_many_attempts" else 400
            return Response({"code": error.code, "message": error.message}, status=code)
        return Response({"token": api_token_issue(user=user, name=name)})


class SignOutApi(APIView):
    """End the credential of this request: the API token it carries (and the sockets opened with
    tickets it issued), or the browser session (and its sockets)."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        user_sign_out(request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyTokenListApi(APIView):
    """The caller's API tokens (never their keys), newest first."""

    class OutputSerializer(serializers.ModelSerializer):
        current = serializers.SerializerMethodField()

        class Meta:
            model = ApiToken
            fields = ["id", "name", "created_at", "last_used_at", "current"]

        def get_current(self, token: ApiToken) -> bool:
            return token.pk == getattr(self.context.get("auth"), "pk", None)

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        tokens = ApiToken.objects.filter(user=signed_in_user(request)).order_by("-created_at")
        auth = request.auth if isinstance(request.auth, ApiToken) else None
        return Response(self.OutputSerializer(tokens, many=True, context={"auth": auth}).data)


class MyTokenDetailApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, token_id: int) -> Response:
        api_token_revoke(user=signed_in_user(request), token_id=token_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyPasswordApi(APIView):
    """Change the caller's password (`current_password`, `password`). Every other session and
    token ends; the one this request carries stays; every socket of the caller closes (4401)."""

    class InputSerializer(serializers.Serializer):
        current_password = serializers.CharField(trim_whitespace=False, max_length=1000)
        password = serializers.CharField(trim_whitespace=False, max_length=1000)

    @extend_schema(request=InputSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = signed_in_user(request)
        token = request.auth if isinstance(request.auth, ApiToken) else None
        password_change(
            user=user,
            current_password=data.validated_data["current_password"],
            new_password=data.validated_data["password"],
            keep_token_id=token.pk if token else None,
        )
        if token is None:
            update_session_auth_hash(request._request, user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetApi(APIView):
    """Send a reset link to this address if an account has it; the answer is the same either
    way, so that it tells nobody which addresses exist."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField(max_length=254)

    @extend_schema(request=InputSerializer, responses={202: None})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        password_reset_request(email=data.validated_data["email"], language=get_language())
        return Response(
            {"message": str(_("If an account has this address, a link is on its way."))},
            status=status.HTTP_202_ACCEPTED,
        )


class PasswordResetConfirmApi(APIView):
    """Set a password with the token of an invitation or reset link. It signs out every session,
    token and socket of the person."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        token = serializers.CharField(max_length=200)
        password = serializers.CharField(trim_whitespace=False, max_length=1000)

    @extend_schema(request=InputSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        password_set_with_token(**data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WsTicketApi(APIView):
    """A one-time ticket, valid 60 s, to open `/ws/?ticket=<ticket>` without a session cookie."""

    class OutputSerializer(serializers.Serializer):
        ticket = serializers.CharField()
        expires_in = serializers.IntegerField()

    @extend_schema(request=None, responses={201: OutputSerializer})
    def post(self, request: Request) -> Response:
        issued = ws_ticket_issue(user=signed_in_user(request), credential=credential_of(request))
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

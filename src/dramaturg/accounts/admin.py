from django.contrib import admin

from dramaturg.accounts.models import Invitation, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "display_name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "display_name"]
    exclude = ["password"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "school", "board", "role", "created_at", "expires_at", "accepted_at"]
    exclude = ["token_hash"]

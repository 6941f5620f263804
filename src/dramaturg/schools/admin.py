from django.contrib import admin

from dramaturg.schools.models import Board, Membership, School, SchoolYear, Team


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "board", "sector", "city"]
    list_filter = ["board", "sector"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "school"]
    list_filter = ["school"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "school", "board", "started_on", "ended_on"]
    list_filter = ["role", "school", "board"]


admin.site.register(SchoolYear)

"""Card URLs, all under /s/<school_slug>/: content editing and the team's discussion/consent."""

from dramaturg.cards.views import urls_content, urls_team

app_name = "cards"
urlpatterns = [*urls_content.urlpatterns, *urls_team.urlpatterns]

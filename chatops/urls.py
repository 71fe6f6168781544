from django.urls import path

from . import views

app_name = "chatops"

urlpatterns = [path("slack/interactions/", views.slack_interactions, name="slack_interactions")]

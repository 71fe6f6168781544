from django.urls import path

from . import views

app_name = "jiraops"

urlpatterns = [path("webhook/", views.jira_webhook, name="webhook")]

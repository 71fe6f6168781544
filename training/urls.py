from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.review_list, name="review_list"),
    path("held/<int:pk>/", views.held_detail, name="held"),
    path("held/<int:pk>/<slug:action>/", views.held_review, name="held_review"),
    path("reviews/<int:pk>/reviewed/", views.entry_reviewed, name="entry_reviewed"),
    path("agents/<int:user_id>/", views.learning_view, name="learning"),
]

from django.urls import path

from detection.labels.views import field_accuracy_page
from detection.live.views import live_page
from detection.posts.views import post_page

from . import views

app_name = "frontend"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accuracy/", views.accuracy, name="accuracy"),
    path("detections/", views.history, name="history"),
    path("detections/<uuid:detection_id>/", views.detection_detail, name="detection"),
    path("detections/<uuid:detection_id>/media", views.detection_media, name="detection-media"),
    path(
        "detections/<uuid:detection_id>/delete/",
        views.detection_delete_view,
        name="detection-delete",
    ),
    # The live check's page (/live/) is added here by its owner.
    path("live/", live_page, name="live"),
    path("posts/<uuid:post_id>/", post_page, name="post"),
    path("staff/field-accuracy/", field_accuracy_page, name="field-accuracy"),
]

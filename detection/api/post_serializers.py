"""How a post and its parts are shown: by the API, the post's socket, its page and its
webhook (a module of its own, so that what publishes a post needs none of the API's views)."""

from __future__ import annotations

from rest_framework import serializers

from detection.models import Post, PostPart

from .serializers import DetectionSerializer


class PostPartSerializer(serializers.ModelSerializer):
    detection = DetectionSerializer(read_only=True)

    class Meta:
        model = PostPart
        fields = ["index", "role", "name", "source_url", "detection"]
        read_only_fields = fields


class PostSerializer(serializers.ModelSerializer):
    """A post: its fused outcome (rule and disagreements in ``evidence``) and every part."""

    parts = PostPartSerializer(many=True, read_only=True)

    class Meta:
        model = Post
        fields = [
            "id",
            "status",
            "source",
            "caption",
            "title",
            "verdict",
            "probability_ai",
            "evidence",
            "source_url",
            "final_url",
            "final_address",
            "parts",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

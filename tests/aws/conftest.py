"""Fixtures of the AWS tests (defined in aws_plan_support)."""

from tests.aws.aws_plan_support import aws_plan

__all__ = ["aws_plan"]

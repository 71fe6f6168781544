"""Directory admins keep the departments' Jira targets; other roles only read them."""

from django.contrib.auth.models import Group


def test_directory_admins_edit_jira_targets_and_agents_only_read_them(db):
    admin = set(
        Group.objects.get(name="Directory admin").permissions.values_list("codename", flat=True)
    )
    assert {"add_jiratarget", "change_jiratarget", "view_jiratarget"} <= admin
    agent = set(Group.objects.get(name="Agent").permissions.values_list("codename", flat=True))
    assert "view_jiratarget" in agent and "change_jiratarget" not in agent

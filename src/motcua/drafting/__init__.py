"""Result templates (issue 15): the specialist drafts the result from a template,
the leader signs it."""

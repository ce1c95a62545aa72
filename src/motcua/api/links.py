"""OpenAPI links between operations (a drf-spectacular post-processing hook): from a dossier's
representation to the actions on it, with the dossier's id and current version filled in.

Clients and tools that follow links (Swagger UI shows them; schemathesis' stateful runs walk
them) chain "read the dossier → act on it → act again" without guessing ids or versions.
"""

from __future__ import annotations

from typing import Any

DETAIL = "/api/v1/dossiers/{ref}/"
LIST = "/api/v1/dossiers/"


def _action_links(paths: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    links = {}
    for path, item in paths.items():
        if not path.startswith(DETAIL) or path == DETAIL:
            continue
        post = item.get("post") or {}
        content = (post.get("requestBody") or {}).get("content") or {}
        if "application/json" not in content:
            continue  # an upload: no JSON body to fill
        props = content["application/json"].get("schema", {})
        link: dict[str, Any] = {
            "operationId": post["operationId"],
            "parameters": {"path.ref": "$response.body#/id"},
            "description": "Thao tác trên hồ sơ này (id và phiên bản hiện tại)",
        }
        if "version" in _properties(props, components):
            link["requestBody"] = {"version": "$response.body#/version"}
        links[post["operationId"]] = link
    return links


def _properties(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    if ref:
        schema = components.get(ref.rsplit("/", 1)[-1], {})
    return dict(schema.get("properties", {}))


def add_links(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """SPECTACULAR_SETTINGS['POSTPROCESSING_HOOKS']: links from a dossier to its actions."""
    paths = result.get("paths", {})
    to_actions = _action_links(paths, result.get("components", {}).get("schemas", {}))

    def attach(response: dict[str, Any] | None, links: dict[str, Any]) -> None:
        if response is not None and links:
            response.setdefault("links", {}).update(links)

    detail = paths.get(DETAIL, {}).get("get", {}).get("responses", {})
    attach(detail.get("200"), to_actions)
    for path, item in paths.items():
        if path.startswith(DETAIL) and path != DETAIL and "post" in item:
            attach(item["post"].get("responses", {}).get("200"), to_actions)
    retrieve = paths.get(DETAIL, {}).get("get", {}).get("operationId")
    listed = paths.get(LIST, {}).get("get", {}).get("responses", {})
    attach(
        listed.get("200"),
        {
            "first_dossier": {
                "operationId": retrieve,
                "parameters": {"path.ref": "$response.body#/results/0/id"},
            }
        },
    )
    created = paths.get(LIST, {}).get("post", {}).get("responses", {})
    attach(
        created.get("201"),
        {
            "dossier_retrieve": {
                "operationId": retrieve,
                "parameters": {"path.ref": "$response.body#/id"},
            },
            **to_actions,
        },
    )
    return result

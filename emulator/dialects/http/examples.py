"""Request examples for the OpenAPI document, all answerable by the default fixtures."""

from __future__ import annotations

from typing import Any

from fastapi import Body

DC_SEARCH: dict[str, Any] = {
    # The vendor's two documented requests, verbatim (tests/dialects/test_openapi_examples.py compares them with the
    # seed files), so Swagger UI and the Postman collection send exactly what the vendor's page shows.
    "one-string-field": {
        "summary": "The vendor's first example: External System Id 1012 finds Printer002",
        "value": {
            "searchType": "basic", "listType": "detail", "genericKeyword": None,
            "queryIndexSearchParams": [
                {"field": "External System Id", "keyword": "1012", "keywords": [], "fieldType": "STRING", "range": True}
            ],
            "pageNumber": 1, "pageSize": 15, "sortDirection": "asc", "sortField": "asset.name", "sortType": "STRING",
            "respTime": 1558685025363,
        },
    },
    "scheme-type-name-id": {
        "summary": "The vendor's second example: the three Tomcat servers",
        "value": {
            "searchType": "basic", "listType": "detail", "genericKeyword": None,
            "queryIndexSearchParams": [
                {"field": "asset.id", "keyword": "", "keywords": [], "fieldType": "LONG", "minNum": 1, "maxNum": 200,
                 "minDate": None, "maxDate": None, "range": True},
                {"field": "asset.name", "keyword": "tom*", "keywords": None, "fieldType": "STRING", "minNum": None,
                 "maxNum": None, "minDate": None, "maxDate": None, "range": False},
                {"field": "form.name", "keyword": None, "keywords": ["Servers"], "fieldType": "LIST", "minNum": None,
                 "maxNum": None, "minDate": None, "maxDate": None, "range": False},
                {"field": "scheme.name", "keywords": ["Default Asset Scheme"], "fieldType": "LIST"},
            ],
            "pageNumber": 1, "pageSize": 15, "sortDirection": "asc", "sortField": "asset.name", "sortType": "STRING",
            "respTime": 1558688161063,
        },
    },
    "lucene": {
        "summary": "A Lucene genericKeyword",
        "value": {"genericKeyword": "Serial\\ Number:1254* OR asset.name:printer*"},
    },
}  # fmt: skip

DC_CREATE: dict[str, Any] = {
    "laptop": {
        "summary": "A laptop with options, a number, a user and system fields",
        "value": {
            "formId": 9, "name": "Laptop 42",
            "attributes": {"Vendor": "Lenovo", "RAM (GB)": 32, "Used By": "jdoe", "asset.status": "In use"},
        },
    }
}  # fmt: skip

CLOUD_SEARCH: dict[str, Any] = {
    "laptops": {
        "summary": "Laptops with 16 GB or more, by name",
        "value": {
            "query": "laptop*", "filters": [{"field": "RAM (GB)", "operator": "GTE", "value": 16}],
            "startAt": 1, "maxResult": 50, "sortParams": [{"field": "name", "order": "ASC"}],
        },
    }
}  # fmt: skip

CLOUD_CREATE: dict[str, Any] = {
    "laptop": {
        "summary": "A laptop in collection 9 (LAP)",
        "value": {
            "collectionId": 9, "name": "Laptop 77", "attributes": {"Vendor": "Dell", "RAM (GB)": 16},
            "globalAttributes": {"Status": "In use"},
        },
    }
}  # fmt: skip


def body(examples: dict[str, Any]) -> Any:
    """A request body parameter documented with these examples."""
    return Body(openapi_examples=examples)

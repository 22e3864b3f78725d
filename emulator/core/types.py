"""Attribute types and search field types (dc-api.md §2, §2.3) and how they relate."""

from __future__ import annotations

from enum import StrEnum


class AttributeType(StrEnum):
    """The `attributeType` strings of the DC API, plus our numeric kinds."""

    DROPDOWN_LIST = "DropdownList"
    LIST_BOX = "ListBox"
    LIST_BOX_MULTIPLE = "ListBoxMultiple"
    TEXT = "Text"
    TEXT_AREA = "TextArea"
    RADIO_BUTTON_LIST = "RadioButtonList"
    CHECKBOX_LIST = "CheckboxList"
    DATE_PICKER = "DatePicker"
    DATETIME_PICKER = "DatetimePicker"
    USER_PICKER = "UserPicker"
    INVENTORY_LIST = "InventoryList"
    INVENTORY_LIST_BY_FORM = "InventoryListByForm"
    IP = "IP"
    IPV6 = "IPv6"
    URL = "URL"
    NUMBER = "Number"  # chosen: LONG attributes
    DECIMAL = "Decimal"  # chosen: DOUBLE attributes
    EMAIL = "Email"  # chosen: the Cloud-only EMAIL type; DC shows it as Text (cloud-api.md §3)
    MULTI_USER_PICKER = "MultiUserPicker"  # chosen: the Cloud-only MULTI_USER type; DC shows it as UserPicker


class FieldType(StrEnum):
    """Search field types of a `QueryIndexSearchParam` (`fieldType`, `sortType`)."""

    LIST = "LIST"
    STRING = "STRING"
    DATE = "DATE"
    DATE_TIME = "DATE_TIME"
    LONG = "LONG"
    DOUBLE = "DOUBLE"
    ALL_ASSETS_REF = "ALL_ASSETS_REF"
    ASSETS_REF_BY_FORM = "ASSETS_REF_BY_FORM"


OPTION_TYPES = frozenset(
    {
        AttributeType.DROPDOWN_LIST,
        AttributeType.LIST_BOX,
        AttributeType.LIST_BOX_MULTIPLE,
        AttributeType.RADIO_BUTTON_LIST,
        AttributeType.CHECKBOX_LIST,
    }
)
MULTI_OPTION_TYPES = frozenset({AttributeType.LIST_BOX_MULTIPLE, AttributeType.CHECKBOX_LIST})
REFERENCE_TYPES = frozenset({AttributeType.INVENTORY_LIST, AttributeType.INVENTORY_LIST_BY_FORM})
USER_TYPES = frozenset({AttributeType.USER_PICKER, AttributeType.MULTI_USER_PICKER})
# The Cloud-only types under the DC `attributeType` they show as (cloud-api.md §3).
_DC_SHOWN_AS = {AttributeType.EMAIL: "Text", AttributeType.MULTI_USER_PICKER: "UserPicker"}

_SEARCH_TYPE = {
    AttributeType.DATE_PICKER: FieldType.DATE,
    AttributeType.DATETIME_PICKER: FieldType.DATE_TIME,
    AttributeType.INVENTORY_LIST: FieldType.ALL_ASSETS_REF,
    AttributeType.INVENTORY_LIST_BY_FORM: FieldType.ASSETS_REF_BY_FORM,
    AttributeType.NUMBER: FieldType.LONG,
    AttributeType.DECIMAL: FieldType.DOUBLE,
}


def dc_attribute_type(attribute_type: AttributeType) -> str:
    """The `attributeType` string the DC API shows for an attribute of this type."""
    return _DC_SHOWN_AS.get(attribute_type, attribute_type.value)


def search_type(attribute_type: AttributeType) -> FieldType:
    """The search field type an attribute of this type is indexed as (dc-api.md §2.3, chosen)."""
    if attribute_type in OPTION_TYPES:
        return FieldType.LIST
    return _SEARCH_TYPE.get(attribute_type, FieldType.STRING)


def as_id(text: str) -> int | None:
    """`text` as a row id, if it is one: ASCII digits only (`"²"` is a digit to `str.isdigit`, not to `int`) and at
    most 18 of them, so that it fits SQLite's integers (and `int` never meets its 4300-digit limit)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None

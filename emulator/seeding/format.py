"""The fixture format: readable JSON files in one directory, validated on load (see fixtures/README.md)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from emulator.core.numbers import INT64_MAX, INT64_MIN
from emulator.core.token_codec import NAME_MAX, TOKEN_ID_PATTERN, Access
from emulator.core.types import AttributeType

Timestamp = int | str  # epoch milliseconds, or "yyyy-MM-dd" / "yyyy-MM-ddTHH:mm[:ss]" in the emulator's zone
Int64 = Annotated[int, Field(ge=INT64_MIN, le=INT64_MAX)]  # what an INTEGER column holds (pydantic reads any int)
AssetId = Annotated[int, Field(ge=INT64_MIN, le=INT64_MAX - 20_000)]  # its default optionId is 20000 + id
Value = str | int | float | list[str | int] | None


class Record(BaseModel):
    """Base of every fixture record: camelCase keys, unknown keys rejected."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True)


class UserRecord(Record):
    username: str
    key: str
    account_id: str | None = None  # Cloud accountId; derived from the key when absent
    password: str
    display_name: str
    email: str
    groups: list[str] = []
    active: bool = True
    time_zone: str = "UTC"


class Permissions(Record):
    """Groups granted each asset permission of a scheme (dc-api.md §1)."""

    browse: list[str] = []
    create: list[str] = []
    update: list[str] = []
    delete: list[str] = []


class SchemeRecord(Record):
    id: Int64
    name: str
    key: str
    description: str | None = None
    created: Timestamp
    created_by: str
    updated: Timestamp | None = None
    updated_by: str | None = None
    permissions: Permissions = Permissions()


class OptionRecord(Record):
    id: Int64
    value: str
    sort_order: Int64 = 0


class AttributeRecord(Record):
    id: Int64
    name: str
    type: AttributeType
    options: list[OptionRecord] = []
    reference_form_id: Int64 | None = None


class FormAttributeRecord(Record):
    id: Int64  # the formAttributeId
    attribute_id: Int64
    sort_order: Int64
    required: bool = False


class FormRecord(Record):
    id: Int64
    name: str
    scheme_id: Int64
    key_prefix: str = Field(pattern=r"^[A-Z][A-Z0-9]*$")
    sort_order: Int64 = 0
    description: str | None = None
    clone_from_id: Int64 | None = None
    attributes: list[FormAttributeRecord] = []


class SubstatusRecord(Record):
    key: str
    name: str


class StatusRecord(Record):
    key: str
    name: str
    substatuses: list[SubstatusRecord] = []


class LocationRecord(Record):
    id: Int64
    name: str
    street: str | None = None
    city: str | None = None
    province: str | None = None
    postal_code: str | None = None
    country: str | None = None
    contact_user: str | None = None  # username or user key
    phone: str | None = None
    email: str | None = None
    url: str | None = None
    description: str | None = None
    active: bool = True
    external: bool = False
    created: Timestamp
    created_by: str | None = None
    updated: Timestamp | None = None
    updated_by: str | None = None


class AttachmentRecord(Record):
    original_file_name: str
    server_file_name: str
    file_size: str
    created: Timestamp
    creator: str


class ValueRecord(Record):
    """One filled attribute: option text(s), asset id(s) for references, a username for users."""

    id: Int64 | None = None  # the inventoryItem id; allocated when absent
    attribute: Annotated[str | int, Field(description="attribute name or id")]
    value: Value


class AssetRecord(Record):
    id: AssetId
    name: str
    form_id: Int64
    key: str | None = None  # Cloud key `PREFIX-n`; allocated in id order per prefix when absent
    option_id: Int64 | None = None  # allocated as 20000 + id when absent
    created: Timestamp | None = None
    creator: str | None = None  # a username
    attachments: list[AttachmentRecord] | None = None  # absent: the API shows null; [] shows "[ ]"
    values: list[ValueRecord] = []
    status: str | None = None  # status key or name
    substatus: str | None = None
    assignee: str | None = None  # username or user key, likewise below
    reserved_for: str | None = None
    owner: str | None = None
    managed_by: str | None = None
    quantity: int | None = None
    asset_tag: str | None = None
    serial_number: str | None = None
    location: str | int | None = None  # location id or name
    belongs_to_group: list[str] | None = None
    install_date: str | None = None
    cost: float | None = None
    cost_currency: str | None = None
    invoice_number: str | None = None


class TokenRecord(Record):
    """A Cloud API token whose JWT is the same on every start (cloud-api.md §2)."""

    id: str = Field(pattern=TOKEN_ID_PATTERN)  # the `jti` claim
    name: str = Field(min_length=1, max_length=NAME_MAX)
    access: Access
    created_at: Timestamp  # the `iat` claim: epoch ms keeps the JWT independent of the time zone setting
    expires_at: Timestamp | None = None
    never_expire: bool = False
    owner: str | None = None  # username, user key or accountId; default: the first active administrator


class CloudRecord(Record):
    """`cloud.json`: the instance's JWT secret and its tokens (one object, not an array)."""

    # RFC 7518 §3.2: an HS256 key must be at least as long as the hash output (256 bits).
    jwt_secret: str | None = Field(default=None, min_length=32)
    tokens: list[TokenRecord] = []


FILES: dict[str, type[Record]] = {
    "users.json": UserRecord,
    "schemes.json": SchemeRecord,
    "attributes.json": AttributeRecord,
    "forms.json": FormRecord,
    "statuses.json": StatusRecord,
    "locations.json": LocationRecord,
    "assets.json": AssetRecord,
    "cloud.json": CloudRecord,
}

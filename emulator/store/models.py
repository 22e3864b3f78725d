"""Table models. Wire shapes live in each dialect's `schemas.py`; these are storage only."""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Declarative base of every table."""


class Meta(Base):
    """Key/value facts about the database (generation counter, fixture source)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(255), unique=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    account_id: Mapped[str] = mapped_column(String(128), unique=True)
    password: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    groups: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of group names


class Scheme(Base):
    __tablename__ = "schemes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    key: Mapped[str] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(Text)
    created: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(255))
    updated: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str] = mapped_column(String(255))
    permissions: Mapped[str] = mapped_column(Text, default="{}")  # JSON {"BROWSE": [group, ...], ...}


class Form(Base):
    __tablename__ = "forms"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    key_prefix: Mapped[str] = mapped_column(String(32), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    clone_from_id: Mapped[int | None] = mapped_column(Integer)
    created: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str | None] = mapped_column(String(255))


class Attribute(Base):
    __tablename__ = "attributes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(32))
    reference_form_id: Mapped[int | None] = mapped_column(Integer)  # InventoryListByForm only


class AttributeOption(Base):
    __tablename__ = "attribute_options"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attribute_id: Mapped[int] = mapped_column(ForeignKey("attributes.id"), index=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    value: Mapped[str] = mapped_column(String(255))


class FormAttribute(Base):
    __tablename__ = "form_attributes"
    __table_args__ = (UniqueConstraint("form_id", "attribute_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id"), index=True)
    attribute_id: Mapped[int] = mapped_column(ForeignKey("attributes.id"))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    required: Mapped[bool] = mapped_column(Boolean, default=False)


class Status(Base):
    """Statuses and substatuses: two key spaces (status "1" and substatus "1" are different entries)."""

    __tablename__ = "statuses"
    __table_args__ = (UniqueConstraint("substatus", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(255))
    substatus: Mapped[bool] = mapped_column(Boolean, default=False)
    parent_key: Mapped[str | None] = mapped_column(String(32))  # set for substatuses


class Location(Base):
    __tablename__ = "locations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    street: Mapped[str | None] = mapped_column(String(255))
    city: Mapped[str | None] = mapped_column(String(255))
    province: Mapped[str | None] = mapped_column(String(255))
    postal_code: Mapped[str | None] = mapped_column(String(64))
    country: Mapped[str | None] = mapped_column(String(255))
    contact_user_key: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(255))
    url: Mapped[str | None] = mapped_column(String(1024))
    description: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    external: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[int] = mapped_column(Integer)
    created_by_user_key: Mapped[str | None] = mapped_column(String(255))
    updated_at: Mapped[int] = mapped_column(Integer)
    updated_by_user_key: Mapped[str | None] = mapped_column(String(255))


class Asset(Base):
    __tablename__ = "assets"
    __table_args__ = {"sqlite_autoincrement": True}  # ids of deleted assets are never handed out again
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id"), index=True)
    key: Mapped[str | None] = mapped_column(String(64), unique=True)
    option_id: Mapped[int] = mapped_column(Integer)
    created: Mapped[int | None] = mapped_column(Integer)
    creator: Mapped[str | None] = mapped_column(String(255))
    updated: Mapped[int | None] = mapped_column(Integer)
    updated_by: Mapped[str | None] = mapped_column(String(255))
    has_attachment_list: Mapped[bool] = mapped_column(Boolean, default=False)
    # Writable system fields (dc-api.md §4); users are stored as user keys.
    status_key: Mapped[str | None] = mapped_column(String(32))
    substatus_key: Mapped[str | None] = mapped_column(String(32))
    assignee: Mapped[str | None] = mapped_column(String(255))
    reserved_for: Mapped[str | None] = mapped_column(String(255))
    owner: Mapped[str | None] = mapped_column(String(255))
    managed_by: Mapped[str | None] = mapped_column(String(255))
    quantity: Mapped[int | None] = mapped_column(Integer)
    asset_tag: Mapped[str | None] = mapped_column(String(255))
    serial_number: Mapped[str | None] = mapped_column(String(255))
    location_id: Mapped[int | None] = mapped_column(Integer)
    belongs_to_group: Mapped[str | None] = mapped_column(Text)  # JSON array of group names
    install_date: Mapped[str | None] = mapped_column(String(10))
    cost: Mapped[float | None] = mapped_column(Float)
    cost_currency: Mapped[str | None] = mapped_column(String(8))
    invoice_number: Mapped[str | None] = mapped_column(String(255))

    values: Mapped[list[AssetValue]] = relationship(
        back_populates="asset", cascade="all, delete-orphan", order_by="AssetValue.id"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="asset", cascade="all, delete-orphan", order_by="Attachment.id"
    )


class AssetValue(Base):
    """One filled attribute of one asset (an `inventoryItem`)."""

    __tablename__ = "asset_values"
    __table_args__ = (
        # The rows that hold references, (asset, its JSON list): "which assets reference this one" (a delete, a
        # rename) scans these few instead of every value (10k assets: 2.9 -> 0.4 ms). Added to older files on open.
        Index("ix_asset_values_refs", "asset_id", "ref_ids", sqlite_where=text("ref_ids IS NOT NULL")),
        {"sqlite_autoincrement": True},  # an inventoryItem id the API showed is never handed out again
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id"), index=True)
    form_attribute_id: Mapped[int] = mapped_column(ForeignKey("form_attributes.id"))
    attribute_id: Mapped[int] = mapped_column(ForeignKey("attributes.id"), index=True)
    text: Mapped[str | None] = mapped_column(Text)  # text, date, number, user key, as stored
    option_ids: Mapped[str | None] = mapped_column(Text)  # JSON list of option ids, option types
    ref_ids: Mapped[str | None] = mapped_column(Text)  # JSON list of asset ids, reference types

    asset: Mapped[Asset] = relationship(back_populates="values")


class Attachment(Base):
    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id"), index=True)
    original_file_name: Mapped[str] = mapped_column(String(255))
    server_file_name: Mapped[str] = mapped_column(String(255))
    file_size: Mapped[str] = mapped_column(String(32))
    created: Mapped[int] = mapped_column(Integer)
    creator: Mapped[str] = mapped_column(String(255))

    asset: Mapped[Asset] = relationship(back_populates="attachments")


class Token(Base):
    """A Cloud API token (cloud-api.md §2): the JWT itself is never stored, only what it stands for."""

    __tablename__ = "tokens"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the `jti` claim
    name: Mapped[str] = mapped_column(String(255))
    access: Mapped[str] = mapped_column(String(16))  # READ | WRITE | ADMIN
    created_at: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[int | None] = mapped_column(Integer)  # None: never expires
    owner_account_id: Mapped[str] = mapped_column(String(128))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class IndexChange(Base):
    """One asset changed by one write generation: what a restart replays into the index after its stamp."""

    __tablename__ = "index_changes"
    generation: Mapped[int] = mapped_column(Integer, primary_key=True)
    asset_id: Mapped[int] = mapped_column(Integer, primary_key=True)

"""The demo organisation's resources, declared once (Oro's ``api.yml`` in Python).

Type names, field names and relationships follow OroPlatform/OroCommerce; every data type of the
reference's §10.2 appears at least once. Enum option resources (``contactsources``,
``orderstatuses``) and dictionaries (``countries``, ``regions``, ``weightunits``) are read-only
and use string ids, as in Oro.
"""

from __future__ import annotations

from server.domain.samples import with_samples
from server.domain.search import with_search
from server.metadata import types as t
from server.metadata.model import DEFAULT_ACTIONS, Auto, Registry, Resource
from server.metadata.model import Attribute as A
from server.metadata.model import Relationship as R
from server.metadata.rules import Email, Length, Range, Unique, ZipCodes

READ_ONLY = frozenset({"get", "get_list", "get_subresource", "get_relationship"})
WITH_BATCH = DEFAULT_ACTIONS | {"update_list"}  # PATCH on the list URL: the Batch API

CREATED = A(
    "createdAt",
    t.DATETIME,
    "The date and time of resource record creation.",
    auto=Auto.CREATED,
    sortable=True,
)
UPDATED = A(
    "updatedAt",
    t.DATETIME,
    "The date and time of the last update of the resource record.",
    auto=Auto.UPDATED,
    sortable=True,
)


def owner(target: str = "users", *, required: bool = True) -> R:
    default = "user" if target == "users" else "business_unit"
    return R(
        "owner",
        target,
        description="The owner of the record. Defaults to the current user"
        " (or their business unit).",
        required=required,
        default=default,
    )


ORGANIZATION = R(
    "organization",
    "organizations",
    description="The organization the record belongs to. Defaults to the current organization.",
    required=True,
    default="organization",
)
NAME = A("name", t.STRING, "The name.", required=True, sortable=True, rules=(Length(max=255),))


def enum_options(type_: str, table: str, description: str) -> Resource:
    """An enum option resource, as Oro exposes extend enums: string ids such as ``"tv"``."""
    return Resource(
        type_,
        table,
        description,
        (
            A("name", t.STRING, "The option label.", sortable=True),
            A("priority", t.INTEGER, "The position of the option in lists.", sortable=True),
            A("default", t.BOOLEAN, "Whether the option is the default one."),
        ),
        id_type=t.STRING,
        id_generated=False,
        actions=READ_ONLY,
        title="{name}",
    )


def _string(name: str, description: str, *, max_length: int = 255, **kw: object) -> A:
    return A(name, t.STRING, description, rules=(Length(max=max_length),), **kw)  # type: ignore[arg-type]


# (server/domain/coupons.py: what a coupon is worth at checkout)
COUPONS = Resource(
    "coupons",
    "coupon",
    "A coupon: a code a buyer enters at checkout for a discount. Simplified: the coupon itself"
    " says what it gives (a share of the subtotal and/or a fixed amount in one currency; in"
    " OroCommerce its promotion does).",
    (
        A(
            "code",
            t.STRING,
            "The coupon code, unique in the organization; a checkout matches it in any case.",
            required=True,
            sortable=True,
            rules=(Length(max=255), Unique(scope=("organization",))),
            extra_operators=("starts_with", "contains"),
        ),
        _string("description", "What the coupon gives, as the checkout shows it."),
        A("enabled", t.BOOLEAN, "Whether the coupon may be applied."),
        A("validFrom", t.DATETIME, "The coupon may not be applied before.", sortable=True),
        A("validUntil", t.DATETIME, "The coupon may not be applied after.", sortable=True),
        A(
            "usesPerCoupon",
            t.INTEGER,
            "How many orders may use the coupon in all (null: no limit).",
            rules=(Range(min=0),),
        ),
        A(
            "usesPerPerson",
            t.INTEGER,
            "How many orders of one customer user may use the coupon (null: no limit).",
            rules=(Range(min=0),),
        ),
        A(
            "discountPercent",
            t.PERCENT,
            "The share of the subtotal taken off, as a fraction (0.25 = 25%).",
            rules=(Range(min=0, max=1),),
        ),
        A(
            "discountAmount",
            t.MONEY,
            "A fixed amount taken off, in the currency (only from a subtotal in it).",
            rules=(Range(min=0),),
        ),
        A("currency", t.CURRENCY, "The currency of the fixed amount."),
        CREATED,
        UPDATED,
    ),
    (
        R(
            "owner",
            "businessunits",
            description="The business unit that owns the coupon.",
            required=True,
            default="business_unit",
        ),
        ORGANIZATION,
    ),
    title="{code}",
    ownership="business_unit",
    internal_columns=(("uses_total", t.INTEGER), ("uses_by_customer_user", t.JSON)),
)

# declared once for the two APIs over the same tables (one column, one ``on_delete`` rule)
CUSTOMER_USER_ATTRIBUTES = (
    A("email", t.STRING, "The email address, used to log in.", sortable=True),
    A("firstName", t.STRING, "The first name.", sortable=True),
    A("lastName", t.STRING, "The last name.", sortable=True),
    A("enabled", t.BOOLEAN, "Whether the customer user may log in."),
    A("confirmed", t.BOOLEAN, "Whether the email address is confirmed."),
    CREATED,
    UPDATED,
)
CUSTOMER_USER_CUSTOMER = R(
    "customer", "customers", description="The customer of the customer user.", on_delete="set null"
)
ORDER_LINE_RELATIONSHIPS = (
    R(
        "order",
        "orders",
        description="The order of the line.",
        required=True,
        on_delete="cascade",
    ),
    R("product", "products", description="The ordered product.", on_delete="set null"),
)

RESOURCES = (
    Resource(
        "organizations",
        "organization",
        "An organization: the top of the ownership tree.",
        (
            A(
                "name",
                t.STRING,
                "The organization name.",
                required=True,
                sortable=True,
                rules=(Length(max=255), Unique()),
            ),
            A("description", t.TEXT, "A description of the organization."),
            A("enabled", t.BOOLEAN, "Whether the organization is active."),
            CREATED,
            UPDATED,
        ),
        (
            R(
                "businessUnits",
                "businessunits",
                many=True,
                inverse="organization",
                description="The business units of the organization.",
                read_only=True,
            ),
        ),
        title="{name}",
        ownership="organization_self",
    ),
    Resource(
        "businessunits",
        "business_unit",
        "A business unit: a node of the ownership tree.",
        (
            NAME,
            _string("phone", "The phone number."),
            _string("website", "The web site address."),
            A("email", t.STRING, "The email address.", rules=(Length(max=255), Email())),
            _string("fax", "The fax number."),
            CREATED,
            UPDATED,
        ),
        (
            ORGANIZATION,
            R(
                "owner",
                "businessunits",
                description="The parent business unit.",
                on_delete="restrict",
            ),
            R(
                "users",
                "users",
                many=True,
                link_table="user_business_unit",
                description="The users assigned to the business unit.",
            ),
        ),
        upsert_enabled=False,  # disabled, as a developer may (Oro's ``upsert: disable``)
        title="{name}",
        ownership="organization",
    ),
    Resource(
        "userroles",
        "user_role",
        "A role that grants permissions to users.",
        (
            A(
                "role",
                t.STRING,
                "The role code, e.g. ROLE_ADMINISTRATOR.",
                # Choice: output-only (refused) because the sandbox's ACL keys on the code; Oro
                # lets a client set it (UserRoleTest::testChangeCode). README's differences list.
                read_only=True,
                sortable=True,
            ),
            A(
                "label",
                t.STRING,
                "The role name shown to people.",
                required=True,
                sortable=True,
                rules=(Length(min=3, max=32),),
            ),
            A("extendDescription", t.TEXT, "A description of the role."),
        ),
        (
            R(
                "organization",
                "organizations",
                description="The organization of the role; none: shared by every organization"
                " (then only a system-wide permission changes it). Defaults to the current"
                " organization.",
                default="organization",
            ),
            R(
                "users",
                "users",
                many=True,
                link_table="user_user_role",
                read_only=True,
                description="The users who have the role.",
            ),
        ),
        title="{label}",
        ownership="organization",
    ),
    Resource(
        "users",
        "user",
        "A user of the back-office.",
        (
            A(
                "username",
                t.STRING,
                "The unique user name used to log in.",
                required=True,
                sortable=True,
                rules=(Length(max=255), Unique()),
            ),
            A(
                "email",
                t.STRING,
                "The primary email address.",
                required=True,
                sortable=True,
                rules=(Length(max=255), Email(), Unique()),
            ),
            _string("namePrefix", "The name prefix, e.g. Mr."),
            _string("firstName", "The first name.", required=True, sortable=True),
            _string("middleName", "The middle name."),
            _string("lastName", "The last name.", required=True, sortable=True),
            _string("nameSuffix", "The name suffix, e.g. Jr."),
            _string("title", "The job title."),
            _string("phone", "The phone number."),
            A("birthday", t.DATE, "The date of birth.", sortable=True),
            A("enabled", t.BOOLEAN, "Whether the user may log in."),
            A(
                "lastLogin",
                t.DATETIME,
                "When the user last logged in.",
                ignored_on=("create", "update"),  # Oro UserBundle api.yml: mapped: false
                sortable=True,
            ),
            A(
                "loginCount",
                t.INTEGER,
                "How many times the user has logged in.",
                ignored_on=("create", "update"),  # Oro UserBundle api.yml: mapped: false
                sortable=True,
            ),
            CREATED,
            UPDATED,
        ),
        (
            R(
                "owner",
                "businessunits",
                description="The business unit that owns the user.",
                required=True,
                default="business_unit",
            ),
            ORGANIZATION,
            R(
                "businessUnits",
                "businessunits",
                many=True,
                link_table="user_business_unit",
                description="The business units the user belongs to.",
            ),
            R(
                "userRoles",
                "userroles",
                many=True,
                link_table="user_user_role",
                description="The roles granted to the user.",
            ),
        ),
        actions=WITH_BATCH,
        title="{firstName} {lastName}",
        upsert_fields=(("username",), ("email",)),
        validation=True,
        ownership="business_unit",
    ),
    enum_options("contactsources", "contact_source", "An option of the contact source enum."),
    Resource(
        "accounts",
        "account",
        "An account: a company or a person the organization works with.",
        (NAME, A("description", t.TEXT, "A description of the account."), CREATED, UPDATED),
        (
            owner(),
            ORGANIZATION,
            R(
                "contacts",
                "contacts",
                many=True,
                link_table="account_contact",
                description="The contacts of the account.",
            ),
            R(
                "defaultContact",
                "contacts",
                description="The main contact of the account.",
                on_delete="set null",
            ),
            R(
                "referredBy",
                "accounts",
                description="The account that referred this one.",
                on_delete="set null",
            ),
        ),
        actions=WITH_BATCH,
        title="{name}",
        # a field set added as a developer would (Oro's ``upsert: add``); names are not unique,
        # so an upsert by name can find several accounts (409)
        upsert_fields=(("name",),),
        validation=True,
        ownership="user",
    ),
    Resource(
        "contacts",
        "contact",
        "A contact: a person at an account.",
        (
            _string("namePrefix", "The name prefix."),
            A("firstName", t.STRING, "The first name.", sortable=True, rules=(Length(max=255),)),
            _string("middleName", "The middle name."),
            _string("lastName", "The last name.", required=True, sortable=True),
            _string("nameSuffix", "The name suffix."),
            A("gender", t.enum_type("male", "female"), "The gender."),
            A("birthday", t.DATE, "The date of birth.", sortable=True),
            A("description", t.TEXT, "A description of the contact."),
            _string("jobTitle", "The job title."),
            A(
                "primaryEmail",
                t.STRING,
                "The primary email address.",
                sortable=True,
                rules=(Length(max=255), Email()),
            ),
            _string("primaryPhone", "The primary phone number."),
            A(
                "timesContacted",
                t.INTEGER,
                "How many times the contact was contacted.",
                ignored_on=("update",),  # OroCRM UpdateActivityContactFields: mapped: false
                sortable=True,
            ),
            A(
                "lastContactedDate",
                t.DATETIME,
                "When the contact was last contacted.",
                ignored_on=("update",),  # OroCRM UpdateActivityContactFields: mapped: false
                sortable=True,
            ),
            CREATED,
            UPDATED,
        ),
        (
            owner(),
            ORGANIZATION,
            R(
                "source",
                "contactsources",
                description="Where the contact came from.",
                on_delete="set null",
            ),
            R(
                "accounts",
                "accounts",
                many=True,
                link_table="account_contact",
                description="The accounts the contact works for.",
            ),
            R(
                "assignedTo",
                "users",
                description="The user the contact is assigned to.",
                on_delete="set null",
            ),
            R(
                "reportsTo",
                "contacts",
                description="The contact this contact reports to.",
                on_delete="set null",
            ),
        ),
        actions=WITH_BATCH,
        title="{firstName} {lastName}",
        validation=True,
        ownership="user",
    ),
    Resource(
        "countries",
        "country",
        "A country (ISO 3166-1).",
        (
            A("iso3Code", t.STRING, "The ISO 3166-1 alpha-3 code."),
            A("name", t.STRING, "The country name.", sortable=True),
        ),
        (
            R(
                "regions",
                "regions",
                many=True,
                inverse="country",
                read_only=True,
                description="The regions of the country.",
            ),
        ),
        id_type=t.STRING,
        id_generated=False,
        actions=READ_ONLY,
        title="{name}",
    ),
    Resource(
        "regions",
        "region",
        "A region of a country (ISO 3166-2).",
        (
            A("code", t.STRING, "The region code within the country.", sortable=True),
            A("name", t.STRING, "The region name.", sortable=True),
        ),
        (R("country", "countries", description="The country of the region.", required=True),),
        id_type=t.STRING,
        id_generated=False,
        actions=READ_ONLY,
        title="{name}",
    ),
    Resource(
        "weightunits",
        "weight_unit",
        "A unit of weight.",
        (A("conversionRates", t.JSON, "Conversion factors to other units, by unit code."),),
        id_type=t.STRING,
        id_generated=False,
        actions=READ_ONLY | {"create", "update"},  # written by id: upsert with ``true``
        title="{id}",
        validation=True,
    ),
    Resource(
        "taxjurisdictions",
        "tax_jurisdiction",
        "A tax jurisdiction: where a tax rate applies.",
        (
            A(
                "code",
                t.STRING,
                "The unique jurisdiction code.",
                required=True,
                sortable=True,
                rules=(Length(max=255), Unique()),
            ),
            A("description", t.TEXT, "A description of the jurisdiction."),
            _string("regionText", "The region name when the country has no regions."),
            A(
                "zipCodes",
                t.ZIP_CODES,
                'The ZIP codes of the jurisdiction: objects with "from" and "to" (null for one'
                " code); a range only of numeric codes.",
                rules=(ZipCodes(),),
            ),
            CREATED,
            UPDATED,
        ),
        (
            R("country", "countries", description="The country.", required=True),
            R("region", "regions", description="The region.", on_delete="set null"),
        ),
        title="{code}",
        upsert_fields=(("code",),),
        validation=True,
    ),
    Resource(
        "products",
        "product",
        "A product of the catalog.",
        (
            A(
                "sku",
                t.STRING,
                "The stock keeping unit, unique in the organization.",
                required=True,
                sortable=True,
                rules=(Length(max=255), Unique(scope=("organization",))),
                extra_operators=("starts_with", "contains"),
            ),
            A(
                "name",
                t.STRING,
                "The product name.",
                required=True,
                sortable=True,
                rules=(Length(max=255),),
                extra_operators=("contains", "starts_with", "ends_with"),
            ),
            A("description", t.TEXT, "The long description."),
            A("status", t.enum_type("enabled", "disabled"), "Whether the product can be sold."),
            A("featured", t.BOOLEAN, "Whether the product is shown as featured."),
            A(
                "weight",
                t.decimal_type(3),
                "The shipping weight, in the weight unit.",
                sortable=True,
                rules=(Range(min=0),),
            ),
            A("gtin", t.BIGINT, "The Global Trade Item Number."),
            A("tags", t.ARRAY, "Free-form tags."),
            CREATED,
            UPDATED,
        ),
        (
            R(
                "owner",
                "businessunits",
                description="The business unit that owns the product.",
                required=True,
                default="business_unit",
            ),
            ORGANIZATION,
            R(
                "weightUnit",
                "weightunits",
                description="The unit of the weight.",
                on_delete="set null",
            ),
        ),
        actions=WITH_BATCH,
        title="{name}",
        upsert_fields=(("sku",),),
        validation=True,
        ownership="business_unit",
    ),
    Resource(
        "customers",
        "customer",
        "A customer: a company that buys on the storefront.",
        (NAME, CREATED, UPDATED),
        (
            owner(),
            ORGANIZATION,
            R("parent", "customers", description="The parent customer.", on_delete="set null"),
            R(
                "orders",
                "orders",
                many=True,
                inverse="customer",
                read_only=True,
                description="The orders of the customer.",
            ),
        ),
        title="{name}",
        validation=True,
        ownership="user",
    ),
    enum_options("taskpriorities", "task_priority", "An option of the task priority enum."),
    Resource(
        "tasks",
        "task",
        "A task: something a user has to do, by a due date.",
        (
            _string("subject", "What has to be done.", required=True, sortable=True),
            A("description", t.TEXT, "The details of the task."),
            A("dueDate", t.DATETIME, "When the task is due.", sortable=True),
            CREATED,
            UPDATED,
        ),
        (
            R(
                "taskPriority",
                "taskpriorities",
                description="The priority of the task.",
                on_delete="set null",
            ),
            owner(),
            ORGANIZATION,
        ),
        title="{subject}",
        ownership="user",
    ),
    enum_options("orderstatuses", "order_status", "An option of the order status enum."),
    Resource(
        "orders",
        "order",
        "An order placed by a customer.",
        (
            A(
                "identifier",
                t.STRING,
                "The order number.",
                sortable=True,
                rules=(Length(max=255),),
                extra_operators=("starts_with",),
            ),
            _string("poNumber", "The customer's purchase order number.", sortable=True),
            A("customerNotes", t.TEXT, "Notes the customer left with the order."),
            A("shipUntil", t.DATE, "Do not ship later than this date.", sortable=True),
            A("currency", t.CURRENCY, "The currency of the amounts.", required=True),
            A(
                "subtotalValue",
                t.MONEY,
                "The sum of the line items.",
                sortable=True,
                rules=(Range(min=0),),
            ),
            A(
                "totalValue",
                t.MONEY,
                "The total amount to pay.",
                sortable=True,
                rules=(Range(min=0),),
            ),
            A(
                "discountPercent",
                t.PERCENT,
                "The order discount as a fraction (0.1 = 10%).",
                rules=(Range(min=0, max=1),),
            ),
            A("preferredDeliveryTime", t.TIME, "The preferred time of day for delivery."),
            A("handlingTime", t.DURATION, "How long the order took to prepare, in seconds."),
            A("externalId", t.GUID, "The identifier of the order in an external system."),
            A("trackingData", t.JSON, "Carrier tracking data."),
            CREATED,
            UPDATED,
        ),
        (
            R(
                "customer",
                "customers",
                description="The customer who placed the order.",
                required=True,
            ),
            R(
                "customerUser",
                "customerusers",
                description="The customer user who placed the order.",
                on_delete="set null",
            ),
            R(
                "lineItems",
                "orderlineitems",
                many=True,
                inverse="order",
                read_only=True,
                description="The line items of the order.",
            ),
            R("status", "orderstatuses", description="The order status.", sortable=True),
            owner(),
            ORGANIZATION,
        ),
        actions=WITH_BATCH,
        title="{identifier}",
        validation=True,
        ownership="user",
        indexes=(("status_id", "created_at"), ("customer_id", "created_at")),
        # the storefront's billingAddress and shippingAddress (its ``orderaddresses``)
        internal_columns=(("billing_address_id", t.INTEGER), ("shipping_address_id", t.INTEGER)),
    ),
    Resource(
        "orderlineitems",
        "order_line_item",
        "A line of an order.",
        (
            A(
                "productSku",
                t.STRING,
                "The SKU of the ordered product.",
                required=True,
                sortable=True,
            ),
            _string("productName", "The name of the product when ordered."),
            A(
                "quantity",
                t.FLOAT,
                "The ordered quantity.",
                required=True,
                sortable=True,
                rules=(Range(min=0),),
            ),
            A("productUnitCode", t.STRING, "The unit of the quantity, e.g. item."),
            A("value", t.MONEY, "The unit price.", sortable=True, rules=(Range(min=0),)),
            A("currency", t.CURRENCY, "The currency of the price."),
            A("comment", t.TEXT, "A note on the line."),
        ),
        ORDER_LINE_RELATIONSHIPS,
        title="{productSku}",
        ownership="parent",
        acl_parent="order",
    ),
    Resource(
        "customerusers",
        "customer_user",
        "A customer user: a person who buys on the storefront for a customer. Read-only here"
        " (the sandbox seeds them; the storefront API serves them to themselves).",
        CUSTOMER_USER_ATTRIBUTES,
        (CUSTOMER_USER_CUSTOMER,),
        actions=READ_ONLY,
        title="{firstName} {lastName}",
        ownership="parent",  # (Oro: owned by a user; here seen with their customer)
        acl_parent="customer",
    ),
    COUPONS,
)


def build_registry() -> Registry:
    return Registry.of(tuple(with_search(with_samples(resource)) for resource in RESOURCES))

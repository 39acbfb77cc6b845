"""The synthetic warehouse's business vocabulary: domains, nouns, qualifiers, attributes, terms, people."""

from __future__ import annotations

from .models import TableType

# fmt: off
DOMAINS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # domain: (fact nouns, dimension nouns)
    "Sales": (
        (
            "order", "order_line", "invoice", "invoice_line", "return", "quote", "shipment", "discount",
            "commission", "booking",
        ),
        (
            "customer", "product", "sales_rep", "channel", "price_list", "territory", "promotion", "store",
        ),
    ),
    "Finance": (
        (
            "journal_entry", "ledger_balance", "payment", "receivable", "payable", "budget_line", "accrual",
            "tax_posting", "cash_flow", "allocation",
        ),
        (
            "account", "cost_center", "profit_center", "fiscal_period", "bank_account", "tax_code",
            "legal_entity", "exchange_rate",
        ),
    ),
    "Procurement": (
        (
            "purchase_order", "purchase_order_line", "requisition", "goods_receipt", "supplier_invoice",
            "contract_call_off", "spend", "rfq_response", "delivery_schedule", "price_variance",
        ),
        (
            "supplier", "material", "contract", "buyer", "purchasing_group", "plant", "incoterm",
            "payment_term",
        ),
    ),
    "Supply Chain": (
        (
            "inventory_snapshot", "stock_movement", "demand_forecast", "replenishment", "safety_stock",
            "production_plan", "transfer_order", "backorder", "stock_count", "lead_time",
        ),
        (
            "warehouse", "item", "bin_location", "planner", "lot", "route", "unit_of_measure", "vendor",
        ),
    ),
    "HR": (
        (
            "payroll_run", "timesheet", "absence", "headcount", "hire", "termination", "training_completion",
            "performance_review", "compensation_change", "overtime",
        ),
        (
            "employee", "position", "job_grade", "department", "location", "manager", "skill", "pay_scale",
        ),
    ),
    "Marketing": (
        (
            "campaign_response", "web_session", "email_send", "ad_impression", "lead", "conversion",
            "survey_answer", "social_mention", "click", "attribution",
        ),
        (
            "campaign", "segment", "audience", "creative", "landing_page", "keyword", "media_channel",
            "brand",
        ),
    ),
    "Customer Service": (
        (
            "ticket", "call", "chat_message", "escalation", "satisfaction_score", "sla_breach",
            "case_resolution", "callback", "refund", "complaint",
        ),
        (
            "agent", "queue", "case_category", "service_level", "contact_reason", "knowledge_article", "team",
            "shift",
        ),
    ),
    "Manufacturing": (
        (
            "work_order", "machine_event", "scrap", "yield", "downtime", "quality_inspection", "batch_record",
            "energy_reading", "maintenance_order", "operation_confirmation",
        ),
        (
            "machine", "production_line", "bill_of_material", "routing", "work_center", "operator",
            "defect_code", "tool",
        ),
    ),
    "Logistics": (
        (
            "freight_order", "delivery", "carrier_invoice", "tracking_event", "load", "pick", "pack",
            "dock_appointment", "fuel_purchase", "claim",
        ),
        (
            "carrier", "vehicle", "driver", "shipping_point", "zone", "container", "port", "service_type",
        ),
    ),
    "Risk": (
        (
            "exposure", "incident", "control_test", "audit_finding", "credit_limit_change", "fraud_alert",
            "loss_event", "policy_exception", "risk_assessment", "sanction_hit",
        ),
        (
            "counterparty", "risk_category", "control", "policy", "regulation", "auditor", "rating",
            "business_unit",
        ),
    ),
}
SHARED_DIMENSIONS = (
    "date", "currency", "country", "organisation_unit", "calendar_week", "status", "source_system", "user",
)
QUALIFIERS = (
    "", "daily", "monthly", "history", "snapshot", "detail", "summary", "archive", "current", "adjusted",
    "forecast", "plan", "emea", "apac", "amer", "latest", "weekly", "yearly", "restated", "v2", "legacy",
    "cleansed", "enriched", "audit",
)
QUALIFIER_PHRASES = {
    "": "",
    "daily": "one row per day",
    "monthly": "aggregated per month",
    "history": "with full history",
    "snapshot": "a periodic snapshot",
    "detail": "at the most detailed grain",
    "summary": "summarised",
    "archive": "archived records",
    "current": "current records only",
    "adjusted": "after adjustments",
    "forecast": "forecast figures",
    "plan": "planned figures",
    "emea": "for Europe, Middle East and Africa",
    "apac": "for Asia Pacific",
    "amer": "for the Americas",
    "latest": "the latest version of each record",
    "weekly": "one row per week",
    "yearly": "one row per year",
    "restated": "restated after corrections",
    "v2": "second version of the model",
    "legacy": "from the legacy platform",
    "cleansed": "cleansed and deduplicated",
    "enriched": "enriched with reference data",
    "audit": "audit trail",
}
# fmt: on
PREFIX: dict[TableType, str] = {"FACT": "fact", "DIMENSION": "dim", "STAGING": "stg", "SOURCE": "src"}
TYPE_SHARE: dict[TableType, float] = {"FACT": 0.2, "DIMENSION": 0.3, "STAGING": 0.25, "SOURCE": 0.25}
KEYS_PER_TABLE: dict[TableType, float] = {"FACT": 5.0, "DIMENSION": 1.5, "STAGING": 0.6, "SOURCE": 1.6}
SYSTEMS = {
    "SOURCE": "SAP ERP",
    "STAGING": "Snowflake staging",
    "FACT": "Snowflake",
    "DIMENSION": "Snowflake",
}
ATTRIBUTES: tuple[tuple[str, str, str], ...] = (
    # name, data type, description
    ("name", "VARCHAR(120)", "Name as shown to users."),
    ("code", "VARCHAR(20)", "Business code, unique within the source system."),
    ("description", "VARCHAR(400)", "Free-text description."),
    ("status_code", "VARCHAR(10)", "Lifecycle status of the record."),
    ("valid_from", "DATE", "First day the record is valid."),
    ("valid_to", "DATE", "Last day the record is valid."),
    ("created_at", "TIMESTAMP", "When the record was created in the source system."),
    ("updated_at", "TIMESTAMP", "When the record was last changed in the source system."),
    ("created_by", "VARCHAR(60)", "User who created the record."),
    ("amount", "DECIMAL(18,2)", "Amount in document currency."),
    ("net_amount", "DECIMAL(18,2)", "Amount after discounts, before tax."),
    ("gross_amount", "DECIMAL(18,2)", "Amount including tax."),
    ("tax_amount", "DECIMAL(18,2)", "Tax charged on the amount."),
    ("amount_local", "DECIMAL(18,2)", "Amount in the company's local currency."),
    ("quantity", "DECIMAL(18,3)", "Quantity in the base unit of measure."),
    ("unit_price", "DECIMAL(18,4)", "Price per base unit."),
    ("discount_pct", "DECIMAL(5,2)", "Discount as a percentage of the list price."),
    ("cost", "DECIMAL(18,2)", "Cost of goods or services."),
    ("margin", "DECIMAL(18,2)", "Revenue minus cost."),
    ("revenue", "DECIMAL(18,2)", "Recognised revenue."),
    ("duration_minutes", "INTEGER", "Duration in minutes."),
    ("line_number", "INTEGER", "Position of the line within its document."),
    ("document_number", "VARCHAR(30)", "Number of the source document."),
    ("document_date", "DATE", "Date printed on the document."),
    ("posting_date", "DATE", "Date the document was posted."),
    ("due_date", "DATE", "Date payment is due."),
    ("event_timestamp", "TIMESTAMP", "When the event happened."),
    ("fiscal_year", "INTEGER", "Fiscal year the record belongs to."),
    ("fiscal_month", "INTEGER", "Fiscal month the record belongs to."),
    ("is_active", "BOOLEAN", "Whether the record is in use."),
    ("is_deleted", "BOOLEAN", "Soft-delete flag from the source system."),
    ("priority", "VARCHAR(10)", "Priority assigned by the business."),
    ("category", "VARCHAR(40)", "Business category."),
    ("sub_category", "VARCHAR(40)", "Business sub-category."),
    ("email", "VARCHAR(120)", "Email address for correspondence."),
    ("phone", "VARCHAR(40)", "Phone number for correspondence."),
    ("address_line", "VARCHAR(200)", "Street address."),
    ("postal_code", "VARCHAR(20)", "Postal code."),
    ("city", "VARCHAR(80)", "City."),
    ("region_code", "VARCHAR(10)", "Sales or reporting region."),
    ("score", "DECIMAL(9,4)", "Score computed by the scoring model."),
    ("weight_kg", "DECIMAL(12,3)", "Gross weight in kilograms."),
    ("volume_m3", "DECIMAL(12,3)", "Volume in cubic metres."),
    ("comment_text", "VARCHAR(1000)", "Comment entered by the user."),
    ("external_reference", "VARCHAR(60)", "Reference in the partner's system."),
    ("batch_id", "VARCHAR(40)", "Load batch that wrote the row."),
    ("load_timestamp", "TIMESTAMP", "When the row was loaded into the warehouse."),
    ("record_source", "VARCHAR(40)", "Source system of the row."),
    ("hash_diff", "CHAR(32)", "Hash of the descriptive attributes, for change detection."),
    ("sequence_number", "BIGINT", "Change sequence number from the source system."),
    ("operation_type", "CHAR(1)", "Insert, update or delete, as captured from the source."),
    ("rank_in_period", "INTEGER", "Rank within the reporting period."),
    ("target_amount", "DECIMAL(18,2)", "Target set for the period."),
    ("variance_amount", "DECIMAL(18,2)", "Actual minus target."),
    ("probability_pct", "DECIMAL(5,2)", "Likelihood as a percentage."),
    ("approval_status", "VARCHAR(20)", "Approval state in the workflow."),
    ("approved_by", "VARCHAR(60)", "User who approved the record."),
    ("approved_at", "TIMESTAMP", "When the record was approved."),
    ("language_code", "CHAR(2)", "ISO 639-1 language code."),
    ("time_zone", "VARCHAR(40)", "IANA time zone."),
)
ATTRIBUTE_TERMS = {
    "net_amount": ("Net Amount", ("Net Value",)),
    "gross_amount": ("Gross Amount", ("Gross Value",)),
    "revenue": ("Revenue", ("Turnover", "Sales")),
    "margin": ("Gross Margin", ("Profit Margin",)),
    "posting_date": ("Posting Date", ("Booking Date",)),
    "due_date": ("Due Date", ("Payment Due Date",)),
    "unit_price": ("Unit Price", ("Price per Unit",)),
    "quantity": ("Quantity", ("Qty",)),
    "email": ("Email Address", ("E-mail",)),
    "fiscal_year": ("Fiscal Year", ("Financial Year",)),
}
# fmt: off
FIRST_NAMES = (
    "Anna", "Ben", "Chloé", "Dmitri", "Eva", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Lars",
)
LAST_NAMES = (
    "Schmidt", "Okafor", "Novak", "Tanaka", "García", "Larsen", "Moreau", "Patel", "Rossi", "Kowalski",
)
# fmt: on

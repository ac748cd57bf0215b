"""The demo organisation's vocabulary and fixed layout: names, companies, products, places,
the organizations, business units, roles and the sales team that ``server.domain.seed`` draws on."""

from __future__ import annotations

ACME = 2  # the second organization

# --- names -------------------------------------------------------------------------------------

# fmt: off
MALE_NAMES = (
    "James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas",
    "Charles", "Daniel", "Matthew", "Anthony", "Mark", "Steven", "Paul", "Andrew", "Joshua",
    "Kevin", "Brian", "George", "Edward", "Ronald", "Timothy", "Jason", "Jeffrey", "Ryan", "Jacob",
    "Gary", "Nicholas", "Eric", "Jonathan", "Stephen", "Larry", "Justin", "Scott", "Brandon",
    "Frank", "Benjamin", "Gregory",
)
FEMALE_NAMES = (
    "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah",
    "Karen", "Nancy", "Lisa", "Betty", "Margaret", "Sandra", "Ashley", "Kimberly", "Emily",
    "Donna", "Michelle", "Dorothy", "Carol", "Amanda", "Melissa", "Deborah", "Stephanie",
    "Rebecca", "Sharon", "Laura", "Cynthia", "Kathleen", "Amy", "Shirley", "Angela", "Helen",
    "Anna", "Brenda", "Pamela", "Nicole", "Emma",
)
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Taylor", "Moore",
    "Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez",
    "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen",
    "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell",
    "Mitchell", "Carter", "Roberts", "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker",
    "Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris",
)
MIDDLE_NAMES = ("Lee", "Ann", "Marie", "James", "Ray", "Lynn", "Jo", "Alan", "Rose", "Dean")
PREFIXES = {"male": ("Mr.", "Dr."), "female": ("Ms.", "Mrs.", "Dr.")}
SUFFIXES = ("Jr.", "Sr.", "II", "III")
EMAIL_DOMAINS = ("example.com", "yahoo.com", "gmail.com", "hotmail.com", "example.org")
JOB_TITLES = (
    "Sales Representative", "Account Manager", "Sales Director", "Purchasing Agent",
    "Office Manager", "Operations Manager", "Buyer", "Chief Executive Officer", "Procurement Lead",
    "Marketing Manager", "IT Manager", "Store Manager",
)

# Users 2-20 (the sales team) and 21-30 (recent hires): first name, last name, gender.
STAFF = (
    ("Amanda", "Cole", "female"), ("Brenda", "Brock", "female"), ("Ronald", "Rivera", "male"),
    ("Marie", "Wong", "female"), ("Jimmy", "Henderson", "male"), ("Gene", "Cardenas", "male"),
    ("Nancy", "Jones", "female"), ("Samuel", "Whitaker", "male"), ("Olivia", "Park", "female"),
    ("Kevin", "Osborne", "male"), ("Teresa", "Lambert", "female"), ("Marcus", "Holloway", "male"),
    ("Diane", "Fletcher", "female"), ("Victor", "Mendes", "male"), ("Ellen", "Novak", "female"),
    ("Hans", "Becker", "male"), ("Claire", "Dubois", "female"), ("Tomas", "Silva", "male"),
    ("Yuki", "Tanaka", "female"),
    ("Liam", "Foster", "male"), ("Chloe", "Bennett", "female"), ("Noah", "Griffin", "male"),
    ("Ava", "Hughes", "female"), ("Ethan", "Ward", "male"), ("Mia", "Brooks", "female"),
    ("Lucas", "Price", "male"), ("Zoe", "Sanders", "female"), ("Owen", "Perry", "male"),
    ("Lily", "Russell", "female"),
)
# Oro's documented filter example (GET /api/users?filter[id][gt]=5&page[size]=2) shows these.
DOCUMENTED_LOGINS = {
    6: ("jimmy.henderson_c4261", "jimmy.henderson_c428e@example.com"),
    7: ("gene.cardenas_c760d", "gene.cardenas_c7620@yahoo.com"),
}

COMPANY_WORDS = (
    "Cloth", "Summit", "Harbor", "Pioneer", "Evergreen", "Granite", "Blue Ridge", "Lakeside",
    "Northwind", "Silverline", "Redwood", "Oakmont", "Bright", "Prime", "Atlas", "Beacon",
    "Cedar", "Crescent", "Falcon", "Horizon", "Ironwood", "Keystone", "Liberty", "Maple",
    "Meridian", "Orchard", "Pinnacle", "Riverbend", "Sterling", "Vista",
)
COMPANY_TRADES = (
    "World", "Medical Supply", "Uniforms", "Outfitters", "Health", "Logistics", "Hospitality",
    "Dental Care", "Clinics", "Apparel", "Workwear", "Industries", "Trading", "Retail",
    "Foods", "Hotels", "Labs", "Pharmacy", "Services", "Wholesale",
)
COMPANY_SUFFIXES = ("", "", "", " Inc.", " LLC", " Group", " Co.", " Ltd.")

PRODUCT_ADJECTIVES = (
    "Classic", "Premium", "Lightweight", "Heavy-Duty", "Slim Fit", "Comfort", "Stretch",
    "Waterproof", "Breathable", "Insulated", "Ergonomic", "Antimicrobial", "Unisex", "Women's",
    "Men's", "Deluxe",
)
PRODUCT_NOUNS = (
    "Lab Coat", "Scrub Top", "Scrub Pants", "Nursing Shoes", "Chef Jacket", "Apron",
    "Work Gloves", "Safety Goggles", "Headlamp", "Stethoscope", "Clog", "Polo Shirt",
    "Fleece Jacket", "Compression Socks", "Tool Belt", "Hard Hat", "Rain Poncho", "Badge Reel",
)
PRODUCT_TAGS = ("new", "sale", "bestseller", "eco", "medical", "uniform", "footwear", "safety")
CARRIERS = ("UPS", "FedEx", "DHL", "USPS")
DELIVERY_TIMES = ("09:00:00", "10:30:00", "12:00:00", "14:00:00", "16:30:00", "18:00:00")


# --- fixed records -----------------------------------------------------------------------------

ORGANIZATIONS = (
    {"id": 1, "name": "Oro Demo Inc", "description": "The demo organization of the sandbox.",
     "enabled": True, "createdAt": "2023-01-02T09:00:00Z", "updatedAt": "2025-11-14T16:20:00Z"},
    {"id": 2, "name": "Acme Retail", "description": None, "enabled": True,
     "createdAt": "2024-03-18T10:15:00Z", "updatedAt": "2024-03-18T10:15:00Z"},
)

# id, name, organization, parent, email domain
BUSINESS_UNITS = (
    (1, "Main", 1, None, "example.com"),
    (2, "Sales East", 1, 1, "example.com"),
    (3, "Sales West", 1, 1, "example.com"),
    (4, "Support", 1, 1, "example.com"),
    (5, "Inside Sales", 1, 2, "example.com"),
    (6, "Acme Retail HQ", ACME, None, "acme.example"),
)
ACME_UNIT = 6
SUPPORT_UNIT = 4

# id, label, role, organization (None: shared by all organizations)
USER_ROLES = (
    (1, "User", "ROLE_USER", None, "Basic access to the back-office."),
    (2, "Read Only", "ROLE_READ_ONLY", None, "May view records but not change them."),
    (3, "Administrator", "ROLE_ADMINISTRATOR", None, "Full access to everything."),
    (4, "Sales Manager", "ROLE_SALES_MANAGER", None, "Manages the sales team and its records."),
    (5, "Sales Rep", "ROLE_SALES_REP", None, "Works with own accounts, contacts and orders."),
    (6, "Buyer", "ROLE_BUYER", None, None),
    (7, "Store Manager", "ROLE_STORE_MANAGER", ACME, "Runs an Acme Retail store."),
)
ADMINISTRATOR, SALES_MANAGER, SALES_REP, READ_ONLY, STORE_MANAGER = 3, 4, 5, 2, 7

# User id -> (owning business unit, roles); users 1 and 21-30 are handled in _users().
SALES_TEAM = {
    2: (1, (SALES_MANAGER,)), 3: (2, (SALES_MANAGER,)), 4: (2, (SALES_REP,)),
    5: (2, (SALES_REP,)), 6: (2, (SALES_REP,)), 7: (3, (SALES_MANAGER,)), 8: (3, (SALES_REP,)),
    9: (3, (SALES_REP,)), 10: (3, (SALES_REP, 1)), 11: (4, (1,)), 12: (4, (1, READ_ONLY)),
    13: (5, (SALES_REP,)), 14: (5, (SALES_REP,)), 15: (5, (SALES_REP,)), 16: (1, (SALES_REP,)),
    17: (ACME_UNIT, (STORE_MANAGER, SALES_MANAGER)), 18: (ACME_UNIT, (SALES_REP,)),
    19: (ACME_UNIT, (SALES_REP,)), 20: (ACME_UNIT, (SALES_REP,)),
}
DISABLED_USERS = frozenset({9, 15, 29})

CONTACT_SOURCES = (
    ("call", "Call", 1, False), ("email", "Email", 2, False), ("website", "Website", 3, True),
    ("tv", "TV", 4, False), ("other", "Other", 5, False),
)
ORDER_STATUSES = (
    ("open", "Open", 1, True), ("pending", "Pending", 2, False), ("shipped", "Shipped", 3, False),
    ("closed", "Closed", 4, False), ("cancelled", "Cancelled", 5, False),
)
STATUS_WEIGHTS = (15, 12, 20, 43, 10)
TASK_PRIORITIES = (
    ("low", "Low", 1, False), ("normal", "Normal", 2, True), ("high", "High", 3, False),
)
TASKS = 200
TASK_SUBJECTS = (
    "Call back about the renewal", "Send the updated price list", "Prepare a quote",
    "Follow up on the overdue invoice", "Schedule a product demo", "Review the contract draft",
    "Confirm the delivery date", "Update the contact details", "Visit the new store",
    "Collect feedback on the last order",
)
TIMES_CONTACTED = (0, 0, 0, *range(1, 40))

COUNTRIES = (
    ("US", "USA", "United States"), ("DE", "DEU", "Germany"), ("FR", "FRA", "France"),
    ("GB", "GBR", "United Kingdom"), ("CA", "CAN", "Canada"), ("MX", "MEX", "Mexico"),
    ("JP", "JPN", "Japan"), ("IT", "ITA", "Italy"), ("ES", "ESP", "Spain"),
    ("NL", "NLD", "Netherlands"), ("AU", "AUS", "Australia"), ("BR", "BRA", "Brazil"),
    ("IN", "IND", "India"), ("PL", "POL", "Poland"), ("UA", "UKR", "Ukraine"),
)
REGIONS = (
    ("US-CA", "California"), ("US-NY", "New York"), ("US-TX", "Texas"), ("US-FL", "Florida"),
    ("US-WA", "Washington"), ("US-IL", "Illinois"), ("DE-BE", "Berlin"), ("DE-BY", "Bayern"),
    ("DE-HH", "Hamburg"), ("CA-ON", "Ontario"), ("CA-QC", "Quebec"),
    ("CA-BC", "British Columbia"), ("FR-IDF", "Île-de-France"), ("MX-CMX", "Ciudad de México"),
    ("AU-NSW", "New South Wales"),
)
WEIGHT_UNITS = {
    "kg": {"lbs": 2.20462, "g": 1000, "oz": 35.274},
    "lbs": {"kg": 0.453592, "g": 453.592, "oz": 16},
    "g": {"kg": 0.001, "lbs": 0.00220462, "oz": 0.035274},
    "oz": {"kg": 0.0283495, "lbs": 0.0625, "g": 28.3495},
}
# code, country, region, regionText, description
TAX_JURISDICTIONS = (
    ("US_CA_LA", "US", "US-CA", None, "Los Angeles County, California"),
    ("US_CA_SF", "US", "US-CA", None, "San Francisco, California"),
    ("US_NY_NYC", "US", "US-NY", None, "New York City"),
    ("US_TX", "US", "US-TX", None, "Texas state tax"),
    ("US_FL", "US", "US-FL", None, None),
    ("US_WA_SEA", "US", "US-WA", None, "Seattle, Washington"),
    ("DE_BE", "DE", "DE-BE", None, "Berlin"),
    ("DE_BY_MUC", "DE", "DE-BY", None, "München, Bayern"),
    ("CA_ON", "CA", "CA-ON", None, "Ontario HST"),
    ("CA_QC", "CA", "CA-QC", None, None),
    ("GB_LONDON", "GB", None, "Greater London", "London"),
    ("JP_TOKYO", "JP", None, "Tokyo", "Tokyo Metropolis"),
    ("UA_KYIV", "UA", None, "Kyiv", None),
)
# their ZIP codes, as Oro answers them: one code (to: None) or a numeric range; none: []
TAX_JURISDICTION_ZIP_CODES = {
    "US_CA_LA": ({"from": "90011", "to": None}, {"from": "90201", "to": "90280"}),
    "US_CA_SF": ({"from": "94102", "to": "94188"},),
    "US_NY_NYC": ({"from": "10001", "to": "10292"}, {"from": "11201", "to": None}),
    "US_WA_SEA": ({"from": "98101", "to": "98199"},),
    "DE_BE": ({"from": "10115", "to": "14199"},),
    "DE_BY_MUC": ({"from": "80331", "to": "81929"},),
    "CA_ON": ({"from": "M5V 2T6", "to": None},),
    "GB_LONDON": ({"from": "SW1A 1AA", "to": None}, {"from": "EC1A 1BB", "to": None}),
}
# fmt: on

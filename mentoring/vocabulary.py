"""The shared vocabulary of mentoring schemes (see domain.md).

Lists a person picks from in their profile. Stored values are the short codes;
labels are what people read.
"""

from __future__ import annotations

from django.db import models


class JobRole(models.TextChoices):
    CONSULTANT = "consultant", "Consultant"
    TRAINEE = "trainee", "Doctor in training"
    GP = "gp", "General practitioner"
    SAS = "sas", "SAS doctor"
    RETIRED = "retired", "Retired doctor"
    NURSE = "nurse", "Nurse or midwife"
    AHP = "ahp", "Allied health professional"
    PHARMACIST = "pharmacist", "Pharmacist"
    OTHER = "other", "Other"


class YearsInPractice(models.TextChoices):
    UNDER_5 = "0-5", "Under 5 years"
    Y6_10 = "6-10", "6-10 years"
    Y11_15 = "11-15", "11-15 years"
    Y16_20 = "16-20", "16-20 years"
    Y21_PLUS = "21+", "21 years and over"


YEARS_ORDER = [c.value for c in YearsInPractice]


class MeetingMode(models.TextChoices):
    VIDEO = "video", "Video"
    PHONE = "phone", "Phone"
    IN_PERSON = "in_person", "In person"


class Framework(models.TextChoices):
    EGAN = "egan", "Egan's Skilled Helper"
    GROW = "grow", "GROW"
    CLEAR = "clear", "CLEAR"
    OSKAR = "oskar", "OSKAR"


TOPICS = [
    "Assessments/education",
    "Bullying/harassment",
    "Career choice",
    "Career development",
    "Coping with work after injury or illness",
    "Dealing with illness",
    "Dealing with injury",
    "Developing teams/services",
    "Engagement",
    "Managing a crisis",
    "Managing change",
    "Mental health issues (e.g. depression, substance abuse, addictions)",
    "Morale",
    "Negative thoughts or suicidal ideation",
    "Personal relationships",
    "Physical health",
    "Relationships with colleagues",
    "Return to work after injury or illness",
    "Self-confidence",
    "Stress",
    "Taking an opportunity",
    "Thinking through clinical situations",
    "Work-life balance",
    "Workload",
]
TOPIC_CHOICES = [(t, t) for t in TOPICS]

REGIONS = [
    "West Yorkshire",
    "South Yorkshire and Bassetlaw",
    "North Yorkshire and Humber",
    "Merseyside",
    "Lancashire",
    "Greater Manchester",
    "Durham, Darlington and Tees",
    "Cumbria, Northumberland, Tyne and Wear",
    "Cheshire, Warrington and Wirral",
    "Arden, Herefordshire and Worcestershire",
    "Birmingham, Solihull and the Black Country",
    "Derbyshire and Nottinghamshire",
    "East Anglia",
    "Essex",
    "Hertfordshire and the South Midlands",
    "Leicestershire and Lincolnshire",
    "Shropshire and Staffordshire",
    "Bath, Gloucestershire, Swindon and Wiltshire",
    "Bristol, North Somerset, Somerset and South Gloucestershire",
    "Devon, Cornwall and Isles of Scilly",
    "Kent and Medway",
    "Surrey and Sussex",
    "Thames Valley",
    "Wessex",
    "Ayrshire and Arran",
    "Borders",
    "Dumfries and Galloway",
    "Fife",
    "Forth Valley",
    "Grampian",
    "Greater Glasgow and Clyde",
    "Highland",
    "Lanarkshire",
    "Lothian",
    "Orkney",
    "Shetland",
    "Tayside",
    "Western Isles",
    "Greater London",
    "Northern Ireland",
    "Wales",
    "Other",
]
REGION_CHOICES = [(r, r) for r in REGIONS]

SPECIALTIES = [
    "Acute medicine",
    "Anaesthetics",
    "Cardiology",
    "Clinical oncology",
    "Dermatology",
    "Emergency medicine",
    "Gastroenterology",
    "General practice",
    "General surgery",
    "Geriatric medicine",
    "Haematology",
    "Histopathology",
    "Intensive care medicine",
    "Medical oncology",
    "Neurology",
    "Obstetrics and gynaecology",
    "Occupational medicine",
    "Ophthalmology",
    "Paediatrics",
    "Palliative medicine",
    "Psychiatry",
    "Public health",
    "Radiology",
    "Respiratory medicine",
    "Rheumatology",
    "Trauma and orthopaedic surgery",
    "Urology",
    "Other",
]
SPECIALTY_CHOICES = [(s, s) for s in SPECIALTIES]

# Census-style groups, used only by matching (never displayed to anyone else).
ETHNICITY_CHOICES = [
    ("asian", "Asian or Asian British"),
    ("black", "Black, Black British, Caribbean or African"),
    ("mixed", "Mixed or multiple ethnic groups"),
    ("white", "White"),
    ("other", "Another ethnic group"),
]
RELIGION_CHOICES = [
    ("none", "No religion"),
    ("buddhist", "Buddhist"),
    ("christian", "Christian"),
    ("hindu", "Hindu"),
    ("jewish", "Jewish"),
    ("muslim", "Muslim"),
    ("sikh", "Sikh"),
    ("other", "Another religion or belief"),
]

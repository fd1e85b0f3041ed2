"""The fixed content of the demo data: the two programmes, and the names, places,
topics and phrases people's profiles are drawn from (see `people.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from mentoring.vocabulary import SPECIALTIES, Framework

from ..models import ApplicationQuestion, Programme

DEMO_DOMAIN = "demo.test"


@dataclass(frozen=True)
class ProgrammeSpec:
    name: str
    slug: str
    kind: str
    matching_route: str
    description: str
    audience: str
    coordinator: tuple[str, str]  # email, full name
    home_regions: tuple[str, ...]
    nearby_regions: tuple[str, ...]
    mentors: int  # of each block of MENTORS_PER_SCALE
    mentees: int  # of each block of MENTEES_PER_SCALE
    capacity: int
    months: int
    frequency: str
    questions: tuple[dict, ...]
    decline_messages: tuple[str, ...]


YORKSHIRE = ProgrammeSpec(
    name="Yorkshire Consultant Mentoring",
    slug="yorkshire-consultant-mentoring",
    kind=Programme.Kind.ONE_TO_ONE,
    matching_route=Programme.MatchingRoute.BOTH,
    description=(
        "One-to-one mentoring for consultants and SAS doctors in their first five years "
        "in post. An experienced colleague from another trust offers a confidential space "
        "to think about career development, leadership, workload and working relationships. "
        "Pairs meet about once a month for a year, in person or by video."
    ),
    audience=(
        "Consultants and SAS doctors in their first five years in post in Yorkshire and the Humber"
    ),
    coordinator=(f"coordinator1@{DEMO_DOMAIN}", "Helen Marsden"),
    home_regions=(
        "West Yorkshire",
        "South Yorkshire and Bassetlaw",
        "North Yorkshire and Humber",
    ),
    nearby_regions=("Derbyshire and Nottinghamshire", "Durham, Darlington and Tees"),
    mentors=18,
    mentees=48,
    capacity=2,
    months=12,
    frequency=Programme.MeetingFrequency.MONTHLY,
    questions=(
        {
            "text": "How did you hear about the programme?",
            "kind": ApplicationQuestion.Kind.CHOICE,
            "choices": "A colleague\nMy trust's medical education team\n"
            "The regional newsletter\nA previous mentor or mentee\nOther",
            "audience": ApplicationQuestion.Audience.BOTH,
        },
        {
            "text": "Have you had a mentor before?",
            "kind": ApplicationQuestion.Kind.YES_NO,
            "audience": ApplicationQuestion.Audience.MENTEE,
        },
        {
            "text": "Can you commit to meeting about once a month for a year?",
            "kind": ApplicationQuestion.Kind.YES_NO,
            "audience": ApplicationQuestion.Audience.MENTOR,
        },
    ),
    decline_messages=(
        "Thank you for applying. This round is for colleagues in their first five years in "
        "post; with your experience you would make a valuable mentor, and we would welcome "
        "an application as one.",
        "Thank you for offering your time. We have more mentors than mentees in your "
        "specialty this round, so we will contact you first when the spring intake opens.",
    ),
)

NORTH_WEST = ProgrammeSpec(
    name="North West Trainee Peer Mentoring",
    slug="north-west-trainee-peer-mentoring",
    kind=Programme.Kind.PEER,
    matching_route=Programme.MatchingRoute.COORDINATOR,
    description=(
        "Peer mentoring for doctors in training across the North West. Senior trainees who "
        "have completed peer mentor training support colleagues a few years behind them "
        "through exams, rotations, career choices and the ups and downs of training. "
        "The coordinators pair each mentee with a mentor, weighing training stage, topics "
        "and where people work."
    ),
    audience="Doctors in training (foundation to ST4) in the North West",
    coordinator=(f"coordinator2@{DEMO_DOMAIN}", "Rajesh Iyer"),
    home_regions=(
        "Greater Manchester",
        "Merseyside",
        "Lancashire",
        "Cheshire, Warrington and Wirral",
    ),
    nearby_regions=("Cumbria, Northumberland, Tyne and Wear", "West Yorkshire"),
    mentors=12,
    mentees=32,
    capacity=3,
    months=6,
    frequency=Programme.MeetingFrequency.SIX_WEEKLY,
    questions=(
        {
            "text": "Which training programme are you in?",
            "kind": ApplicationQuestion.Kind.TEXT,
            "audience": ApplicationQuestion.Audience.BOTH,
            "help_text": "For example: Core Surgical Training, Mersey deanery.",
        },
        {
            "text": "Have you completed peer mentor training?",
            "kind": ApplicationQuestion.Kind.YES_NO,
            "audience": ApplicationQuestion.Audience.MENTOR,
        },
    ),
    decline_messages=(
        "Thank you for applying. This intake is full; we have kept your details and will "
        "invite you to the next one in September.",
        "Thank you for applying. The programme is for doctors up to ST4; your educational "
        "supervisor can point you to the senior trainee network.",
    ),
)

PROGRAMMES = (YORKSHIRE, NORTH_WEST)

# Names by census group, so the (private) matching data is plausible for each person.
FIRST_NAMES = {
    "white": (
        "Emma Sarah Katherine Rachel Laura Hannah Claire Joanna Eleanor Fiona Siobhan Agnieszka",
        "James Thomas Daniel Matthew Christopher Andrew Richard Owen Patrick Marek Luca Stephen",
    ),
    "asian": (
        "Priya Aisha Ananya Fatima Sana Meera Nadia Mei Harpreet Zara",
        "Arjun Imran Rahul Omar Sanjay Vikram Bilal Wei Harjit Faisal",
    ),
    "black": (
        "Chidinma Abena Ngozi Folake Simone Adaeze",
        "Oluwaseun Kwame Tunde Emeka Marcus Kofi",
    ),
    "other": ("Layla Yasmin Mariam Elena", "Karim Youssef Hassan Nikos"),
}
SURNAMES = {
    "white": "Smith Taylor Brown Wilson Hughes Walker Robinson Wright Thompson Clarke Murphy "
    "O'Connor Evans Davies Kowalski Rossi Jenkins Fletcher Barker Holmes Marsh Whitaker",
    "asian": "Patel Khan Shah Sharma Hussain Ahmed Iqbal Singh Gill Chaudhry Rahman Nair "
    "Menon Chen Wong Li",
    "black": "Okafor Mensah Adeyemi Osei Okonkwo Campbell Boateng Eze Afolabi Asante",
    "other": "Haddad Mansour Nasser Saleh Khalil Papadopoulos",
}
GROUP_WEIGHTS = {"white": 55, "asian": 30, "black": 10, "other": 5}
NICKNAMES = {
    "Katherine": "Kate",
    "Christopher": "Chris",
    "Oluwaseun": "Seun",
    "Matthew": "Matt",
    "Eleanor": "Ellie",
    "Chidinma": "Chi",
    "Daniel": "Dan",
}

EMPLOYERS = {
    "West Yorkshire": (
        "Leeds Teaching Hospitals NHS Trust",
        "Bradford Teaching Hospitals NHS Foundation Trust",
        "Calderdale and Huddersfield NHS Foundation Trust",
        "Mid Yorkshire Teaching NHS Trust",
        "Airedale NHS Foundation Trust",
    ),
    "South Yorkshire and Bassetlaw": (
        "Sheffield Teaching Hospitals NHS Foundation Trust",
        "Sheffield Children's NHS Foundation Trust",
        "Doncaster and Bassetlaw Teaching Hospitals NHS Foundation Trust",
        "Barnsley Hospital NHS Foundation Trust",
    ),
    "North Yorkshire and Humber": (
        "York and Scarborough Teaching Hospitals NHS Foundation Trust",
        "Hull University Teaching Hospitals NHS Trust",
        "Harrogate and District NHS Foundation Trust",
    ),
    "Greater Manchester": (
        "Manchester University NHS Foundation Trust",
        "Northern Care Alliance NHS Foundation Trust",
        "Stockport NHS Foundation Trust",
        "The Christie NHS Foundation Trust",
    ),
    "Merseyside": (
        "Liverpool University Hospitals NHS Foundation Trust",
        "Alder Hey Children's NHS Foundation Trust",
        "Mersey and West Lancashire Teaching Hospitals NHS Trust",
    ),
    "Lancashire": (
        "Lancashire Teaching Hospitals NHS Foundation Trust",
        "East Lancashire Hospitals NHS Trust",
        "Blackpool Teaching Hospitals NHS Foundation Trust",
    ),
    "Cheshire, Warrington and Wirral": (
        "Wirral University Teaching Hospital NHS Foundation Trust",
        "Countess of Chester Hospital NHS Foundation Trust",
        "Warrington and Halton Teaching Hospitals NHS Foundation Trust",
    ),
    "Derbyshire and Nottinghamshire": (
        "Nottingham University Hospitals NHS Trust",
        "University Hospitals of Derby and Burton NHS Foundation Trust",
    ),
    "Durham, Darlington and Tees": (
        "County Durham and Darlington NHS Foundation Trust",
        "South Tees Hospitals NHS Foundation Trust",
    ),
    "Cumbria, Northumberland, Tyne and Wear": (
        "Newcastle upon Tyne Hospitals NHS Foundation Trust",
        "North Cumbria Integrated Care NHS Foundation Trust",
    ),
}
PRACTICES = (
    "Riverside Medical Practice",
    "Park View Surgery",
    "Moorland Health Centre",
    "Canal Side Medical Group",
    "Abbey Lane Surgery",
)

# How often each topic is raised (domain.md): colleagues first, then bullying, career,
# workload and balance. The most sensitive topics are left out of public demo profiles.
TOPIC_WEIGHTS = {
    "Relationships with colleagues": 10,
    "Career development": 9,
    "Bullying/harassment": 6,
    "Workload": 7,
    "Work-life balance": 7,
    "Self-confidence": 6,
    "Stress": 5,
    "Managing change": 4,
    "Career choice": 4,
    "Developing teams/services": 4,
    "Assessments/education": 4,
    "Taking an opportunity": 3,
    "Thinking through clinical situations": 3,
    "Morale": 3,
    "Engagement": 2,
    "Managing a crisis": 1,
    "Return to work after injury or illness": 1,
    "Coping with work after injury or illness": 1,
    "Personal relationships": 1,
    "Physical health": 1,
}
GOALS = {
    "Relationships with colleagues": "handle a difficult working relationship in my "
    "department constructively",
    "Career development": "plan the next five years, including whether to take on an "
    "education or management role",
    "Bullying/harassment": "work out how to respond to undermining behaviour I have met",
    "Workload": "get my job plan and workload to something sustainable",
    "Work-life balance": "protect time for my family and life outside medicine",
    "Self-confidence": "feel more confident speaking up and leading the team",
    "Stress": "find better ways to manage the pressure of on-call work",
    "Managing change": "lead a service change without losing the team's goodwill",
    "Career choice": "decide which specialty to apply for",
    "Developing teams/services": "build the case for a new clinic and develop the team",
    "Assessments/education": "prepare well for my exams and my next review",
    "Taking an opportunity": "decide whether to take up a regional leadership role",
    "Thinking through clinical situations": "have someone to think through hard "
    "clinical decisions with",
}
# General practice goes with the GP roles only.
HOSPITAL_SPECIALTIES = [s for s in SPECIALTIES if s not in ("General practice", "Other")]
SECOND_LANGUAGES = [
    "Urdu",
    "Punjabi",
    "Hindi",
    "Arabic",
    "Polish",
    "Welsh",
    "Spanish",
    "French",
    "Yoruba",
    "Tamil",
    "Malayalam",
    "Bengali",
    "Greek",
    "Italian",
    "Mandarin",
]
TRAINING = (
    ("Mentoring skills for clinicians", "Yorkshire and the Humber Postgraduate Deanery"),
    ("Introduction to mentoring", "Royal College of Physicians"),
    ("Coaching and mentoring in medicine", "Academy of Medical Educators"),
    ("Skilled Helper mentoring course", "Mersey Deanery Professional Support Unit"),
    ("Coaching skills for clinical leaders", "NHS Leadership Academy"),
    ("Peer mentor training", "North West Trainee Peer Support Network"),
)
FRAMEWORK_WEIGHTS = {
    Framework.EGAN: 75,
    Framework.GROW: 55,
    Framework.CLEAR: 25,
    Framework.OSKAR: 15,
}
INTERESTS = (
    "running",
    "choral singing",
    "allotment gardening",
    "fell walking",
    "cooking for a crowd",
    "coaching junior football",
    "wild swimming",
    "reading crime novels",
)
MENTOR_MOTIVATION = (
    "I had a mentor at a similar stage and it made a real difference; I would like to "
    "offer the same.",
    "I enjoy supporting colleagues and have done informal mentoring for years; I would "
    "value the structure and training of a programme.",
    "Helping colleagues think through their careers is one of the best parts of my job.",
)
MENTEE_MOTIVATION = (
    "A colleague recommended the programme.",
    "I would value an outside perspective from someone who has been through this stage.",
    "I am settling into a new role and would like space to think beyond the day job.",
    "My educational supervisor suggested a mentor could help alongside supervision.",
)

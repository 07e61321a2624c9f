"""Write seed/listings.json: the fictional demo directory (run by hand; output is committed).

Deterministic (fixed random seed), so re-running gives the same file. Places come from real ZIP
codes (the `zipcodes` package); organisations, streets and 555-01xx phone numbers are fictional.
Real national helplines are included with their real public numbers.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

import zipcodes

OUT = Path(__file__).resolve().parents[1] / "seed" / "listings.json"
TODAY = date(2026, 11, 1)

METROS: dict[str, tuple[str, list[str]]] = {
    "boston": ("617", ["02114", "02115", "02139", "02140", "02446", "02458", "01890", "02169"]),
    "new-york": ("212", ["10016", "10027", "10065", "11201", "11215", "11375", "10461", "10601"]),
    "philadelphia": ("215", ["19104", "19107", "19111", "19147", "19003", "19096", "08002"]),
    "atlanta": ("404", ["30303", "30308", "30322", "30342", "30060", "30097", "30030"]),
    "chicago": ("312", ["60611", "60614", "60637", "60657", "60201", "60302", "60515"]),
    "houston": ("713", ["77030", "77002", "77024", "77054", "77379", "77494", "77008"]),
    "austin": ("512", ["78701", "78705", "78731", "78745", "78758", "78613", "78664"]),
    "denver": ("303", ["80206", "80218", "80045", "80209", "80033", "80120", "80302"]),
    "phoenix": ("602", ["85004", "85006", "85016", "85251", "85281", "85224", "85308"]),
    "los-angeles": ("213", ["90024", "90048", "90033", "90027", "91105", "90813", "91608"]),
    "san-francisco": ("415", ["94115", "94110", "94143", "94611", "94305", "94538", "94402"]),
    "seattle": ("206", ["98104", "98109", "98195", "98122", "98004", "98052", "98133"]),
    "miami": ("305", ["33136", "33125", "33146", "33176", "33020", "33309", "33401"]),
    "minneapolis": ("612", ["55455", "55404", "55408", "55102", "55435", "55305", "55113"]),
}

STREETS = [
    "Maple Street",
    "Harbor Avenue",
    "Elm Court",
    "Lantern Way",
    "Willow Road",
    "Cedar Lane",
    "Juniper Boulevard",
    "Meadow Drive",
    "Orchard Place",
    "Beacon Row",
]

# (key suffix, category, specialty, audience, delivery, cost, care settings, languages,
#  name template, description, how to join, schedule)
PATTERNS = [
    (
        "mbc-circle",
        "support_group",
        None,
        ["patients", "metastatic"],
        ["in_person"],
        ["free"],
        [],
        ["en"],
        "{place} Metastatic Breast Cancer Circle",
        "A peer group for people living with stage 4 breast cancer: treatment fatigue, scan anxiety, "
        "work and family, and living well with uncertainty. Led by an oncology social worker.",
        "Call to register the first time; after that just come.",
        ("2nd Tuesday, 6–7:30 pm", "MONTHLY", "2TU", "18:00", "19:30"),
    ),
    (
        "mbc-online",
        "support_group",
        None,
        ["patients", "metastatic"],
        ["online"],
        ["free"],
        [],
        ["en"],
        "{place} Stage IV Evening Group (online)",
        "A video group for people with metastatic breast cancer who cannot travel easily. "
        "Cameras optional.",
        "Email or call for the video link; the link changes each month.",
        ("1st and 3rd Wednesdays, 7–8:30 pm", "MONTHLY", "1WE,3WE", "19:00", "20:30"),
    ),
    (
        "caregivers",
        "support_group",
        None,
        ["caregivers", "family"],
        ["in_person", "online"],
        ["free"],
        [],
        ["en"],
        "{place} Caregivers Together",
        "For partners, adult children and friends caring for someone with advanced breast cancer. "
        "Practical help and room to say the hard things.",
        "Drop in; no registration needed. Join online by calling for the link.",
        ("Every Thursday, 10–11:30 am", "WEEKLY", "TH", "10:00", "11:30"),
    ),
    (
        "bereavement",
        "support_group",
        None,
        ["bereaved", "family"],
        ["in_person"],
        ["free"],
        [],
        ["en"],
        "{place} Grief and Remembrance Group",
        "An eight-week bereavement group for family members after a death from breast cancer. "
        "New groups start each season.",
        "Call the bereavement coordinator for a short conversation before joining.",
        ("Mondays 5:30–7 pm (8-week series)", "WEEKLY", "MO", "17:30", "19:00"),
    ),
    (
        "young-adults",
        "support_group",
        None,
        ["patients", "young_adults", "metastatic"],
        ["in_person", "online"],
        ["free"],
        [],
        ["en"],
        "{place} Young Adults with MBC",
        "For people diagnosed in their 20s, 30s and early 40s: fertility, dating, young children, "
        "careers on hold.",
        "Text or call to join the group chat and get the meeting place.",
        ("Last Sunday of the month, 2–4 pm", "MONTHLY", "-1SU", "14:00", "16:00"),
    ),
    (
        "grupo",
        "support_group",
        None,
        ["patients", "metastatic", "family"],
        ["in_person"],
        ["free"],
        [],
        ["es", "en"],
        "Grupo de Apoyo Mariposa {place}",
        "Grupo de apoyo en español para personas con cáncer de mama metastásico y sus familias. "
        "A Spanish-language support group for people with metastatic breast cancer and their families.",
        "Llame para inscribirse. Call to sign up; Spanish-speaking staff answer.",
        ("2nd and 4th Saturdays, 10 am–12 pm", "MONTHLY", "2SA,4SA", "10:00", "12:00"),
    ),
    (
        "lgbtq",
        "support_group",
        None,
        ["patients", "lgbtq", "caregivers"],
        ["online"],
        ["free"],
        [],
        ["en"],
        "{place} LGBTQ+ Cancer Support Circle",
        "An affirming group for LGBTQ+ people with breast cancer and their partners and chosen family.",
        "Email the facilitator for the meeting link.",
        ("3rd Thursday, 6:30–8 pm", "MONTHLY", "3TH", "18:30", "20:00"),
    ),
    (
        "therapy",
        "counseling",
        "therapist",
        ["patients", "caregivers"],
        ["in_person", "online"],
        ["insurance", "sliding_scale"],
        [],
        ["en"],
        "{place} Psycho-Oncology Therapy Practice",
        "Licensed therapists who specialise in serious illness: anxiety, depression, fear of "
        "progression, and family strain. Individual and couples sessions.",
        "Call for an intake appointment; most insurance accepted; sliding scale available.",
        ("By appointment, weekdays 9 am–6 pm", "WEEKLY", "MO,TU,WE,TH,FR", "09:00", "18:00"),
    ),
    (
        "psychology",
        "counseling",
        "psychologist",
        ["patients", "metastatic"],
        ["in_person"],
        ["insurance", "fee"],
        [],
        ["en"],
        "{place} Cancer Psychology Clinic",
        "Psychologists offering coping skills, meaning-centred therapy and support with advance "
        "care planning conversations.",
        "Referral from your oncology team or call directly.",
        ("By appointment, Tuesday–Friday 8 am–4 pm", "WEEKLY", "TU,WE,TH,FR", "08:00", "16:00"),
    ),
    (
        "counselor",
        "counseling",
        "counselor",
        ["caregivers", "family", "bereaved"],
        ["phone", "online"],
        ["sliding_scale"],
        [],
        ["en", "es"],
        "{place} Family Counseling Line",
        "Short-term counseling by phone or video for caregivers and families, in English and Spanish.",
        "Call to book a first session within a week.",
        ("Weekdays 8 am–8 pm", "WEEKLY", "MO,TU,WE,TH,FR", "08:00", "20:00"),
    ),
    (
        "social-work",
        "social_work",
        None,
        ["patients", "caregivers"],
        ["in_person", "phone"],
        ["free"],
        [],
        ["en", "es"],
        "{place} Oncology Social Work Office",
        "Social workers help with insurance, disability paperwork, transport to treatment, "
        "bills and finding home help.",
        "Ask your care team or call; no referral needed.",
        ("Monday–Friday, 8:30 am–5 pm", "WEEKLY", "MO,TU,WE,TH,FR", "08:30", "17:00"),
    ),
    (
        "financial-navigation",
        "social_work",
        None,
        ["patients", "family"],
        ["phone"],
        ["free"],
        [],
        ["en"],
        "{place} Financial Navigation Program",
        "Benefit counselors and social workers who help with costs of care, co-pay programs and "
        "time off work.",
        "Call to leave a message; a navigator calls back within two business days.",
        ("Weekdays 9 am–4 pm", "WEEKLY", "MO,TU,WE,TH,FR", "09:00", "16:00"),
    ),
    (
        "chaplain",
        "spiritual_care",
        "chaplain",
        ["patients", "caregivers", "family"],
        ["in_person", "phone"],
        ["free"],
        [],
        ["en"],
        "{place} Interfaith Chaplaincy",
        "Chaplains of many traditions (and none) for prayer, conversation, rituals and support "
        "around hard decisions.",
        "Ask at the front desk or call; visits to homes can be arranged.",
        ("Daily 8 am–8 pm; on call overnight", "WEEKLY", "MO,TU,WE,TH,FR,SA,SU", "08:00", "20:00"),
    ),
    (
        "spiritual-adviser",
        "spiritual_care",
        "spiritual_adviser",
        ["patients", "bereaved"],
        ["in_person", "online"],
        ["free"],
        [],
        ["en"],
        "{place} Spiritual Companions",
        "Trained spiritual advisers offering one-to-one companionship for questions of meaning, "
        "faith and legacy.",
        "Call to be matched with a companion.",
        ("By appointment", None, None, None, None),
    ),
    (
        "meditation",
        "spiritual_care",
        None,
        ["patients", "caregivers"],
        ["in_person"],
        ["free"],
        [],
        ["en"],
        "{place} Mindfulness and Meditation Gathering",
        "A quiet, guided meditation session open to patients and caregivers of every faith.",
        "Just come; chairs and mats provided.",
        ("Every Saturday, 9–10 am", "WEEKLY", "SA", "09:00", "10:00"),
    ),
    (
        "palliative-clinic",
        "palliative_care",
        None,
        ["patients", "metastatic"],
        ["in_person"],
        ["insurance"],
        ["hospital"],
        ["en", "es"],
        "{place} Supportive and Palliative Care Clinic",
        "A palliative care team (doctors, nurses, social workers) treating pain, breathlessness, "
        "nausea and fatigue alongside cancer treatment.",
        "Ask your oncologist for a referral.",
        ("Monday–Friday, 8 am–5 pm", "WEEKLY", "MO,TU,WE,TH,FR", "08:00", "17:00"),
    ),
    (
        "palliative-home",
        "palliative_care",
        None,
        ["patients"],
        ["in_person"],
        ["insurance", "sliding_scale"],
        ["home"],
        ["en"],
        "{place} Palliative Care at Home",
        "Nurses and doctors who visit at home to manage symptoms and plan care ahead.",
        "Referral from any doctor; call to check your area.",
        ("Visits weekdays; phone line 24 hours", "WEEKLY", "MO,TU,WE,TH,FR", "08:00", "18:00"),
    ),
    (
        "hospice-home",
        "hospice",
        None,
        ["patients", "family"],
        ["in_person"],
        ["insurance"],
        ["home"],
        ["en"],
        "{place} Hospice at Home",
        "Hospice care where you live: nursing visits, aides, social work, chaplaincy and 24-hour "
        "on-call support. Covered by the Medicare hospice benefit and most insurance.",
        "Call any time; a nurse can visit for an assessment within a day.",
        ("24 hours a day, 7 days a week", "WEEKLY", "MO,TU,WE,TH,FR,SA,SU", "00:00", "23:59"),
    ),
    (
        "hospice-center",
        "hospice",
        None,
        ["patients", "family"],
        ["in_person"],
        ["insurance"],
        ["hospice_center"],
        ["en"],
        "{place} Hospice House",
        "A homelike inpatient hospice residence for care when symptoms cannot be managed at home, "
        "and short respite stays for caregivers.",
        "Referral from your hospice team or doctor; call for a visit.",
        ("24 hours a day, 7 days a week", "WEEKLY", "MO,TU,WE,TH,FR,SA,SU", "00:00", "23:59"),
    ),
    (
        "hospice-nursing",
        "hospice",
        None,
        ["patients", "family"],
        ["in_person"],
        ["insurance"],
        ["nursing_home"],
        ["en"],
        "{place} Hospice Partners in Nursing Homes",
        "Hospice teams working inside local nursing homes and assisted living.",
        "Ask the facility's staff or call us.",
        ("24 hours a day, 7 days a week", "WEEKLY", "MO,TU,WE,TH,FR,SA,SU", "00:00", "23:59"),
    ),
    (
        "hospice-hospital",
        "hospice",
        None,
        ["patients", "family"],
        ["in_person"],
        ["insurance"],
        ["hospital"],
        ["en", "es"],
        "{place} Inpatient Hospice Unit",
        "A hospice unit inside the hospital for end-of-life care with family welcome around the clock.",
        "Admission through your hospice or hospital team.",
        ("24 hours a day, 7 days a week", "WEEKLY", "MO,TU,WE,TH,FR,SA,SU", "00:00", "23:59"),
    ),
    (
        "nutrition",
        "nutrition",
        None,
        ["patients"],
        ["in_person", "online"],
        ["insurance", "fee"],
        [],
        ["en"],
        "{place} Oncology Nutrition Clinic",
        "Registered dietitians who help with appetite loss, taste changes, nausea and weight.",
        "Call to book; a referral helps with insurance.",
        ("Tuesdays and Thursdays, 9 am–3 pm", "WEEKLY", "TU,TH", "09:00", "15:00"),
    ),
]

ORG_NAMES = [
    "{city} Cancer Wellness Collaborative",
    "Harborlight Health of {city}",
    "{city} Community Cancer Alliance",
    "Riverbend Care Network ({city})",
]

STATE_GROUPS = [
    (
        "tx-caregivers",
        "TX",
        "Texas MBC Caregivers Online Circle",
        ["caregivers", "family"],
        ["online"],
        "Wednesdays 8–9 pm Central",
        "WEEKLY",
        "WE",
        "20:00",
        "21:00",
        ["en"],
    ),
    (
        "fl-phone",
        "FL",
        "Florida Metastatic Sisters Phone Group",
        ["patients", "metastatic"],
        ["phone"],
        "1st Monday, 7–8 pm Eastern",
        "MONTHLY",
        "1MO",
        "19:00",
        "20:00",
        ["en", "es"],
    ),
    (
        "ca-espanol",
        "CA",
        "Grupo Virtual Esperanza de California",
        ["patients", "family"],
        ["online"],
        "Sábados 10–11:30 am",
        "WEEKLY",
        "SA",
        "10:00",
        "11:30",
        ["es"],
    ),
    (
        "ny-bereaved",
        "NY",
        "New York Bereaved Partners Online",
        ["bereaved"],
        ["online"],
        "2nd Thursday, 7–8:30 pm",
        "MONTHLY",
        "2TH",
        "19:00",
        "20:30",
        ["en"],
    ),
    (
        "il-ya",
        "IL",
        "Illinois Young Survivors with MBC (online)",
        ["young_adults", "metastatic"],
        ["online"],
        "Last Tuesday, 7–8 pm",
        "MONTHLY",
        "-1TU",
        "19:00",
        "20:00",
        ["en"],
    ),
    (
        "wa-phone",
        "WA",
        "Washington Caregiver Phone Line",
        ["caregivers"],
        ["phone"],
        "Weekdays 10 am–6 pm",
        "WEEKLY",
        "MO,TU,WE,TH,FR",
        "10:00",
        "18:00",
        ["en"],
    ),
]

NATIONAL_DEMO = [
    (
        "national-mbc-online",
        "Stage IV Together Online Group",
        "support_group",
        ["patients", "metastatic"],
        ["online"],
        "Every Sunday, 4–5:30 pm Eastern",
        "WEEKLY",
        "SU",
        "16:00",
        "17:30",
        ["en"],
        "+12025550147",
    ),
    (
        "national-caregiver-phone",
        "Caring Voices Caregiver Phone Group",
        "support_group",
        ["caregivers", "family"],
        ["phone"],
        "Tuesdays 12–1 pm Eastern",
        "WEEKLY",
        "TU",
        "12:00",
        "13:00",
        ["en"],
        "+12025550148",
    ),
    (
        "national-lgbtq",
        "Rainbow Thread LGBTQ+ Cancer Circle (online)",
        "support_group",
        ["lgbtq", "patients", "caregivers"],
        ["online"],
        "2nd Saturday, 1–2:30 pm Eastern",
        "MONTHLY",
        "2SA",
        "13:00",
        "14:30",
        ["en"],
        "+12025550149",
    ),
    (
        "national-spanish-phone",
        "Línea Amiga: apoyo por teléfono en español",
        "counseling",
        ["patients", "family"],
        ["phone"],
        "Lunes a viernes, 9 am–7 pm (hora del Este)",
        "WEEKLY",
        "MO,TU,WE,TH,FR",
        "09:00",
        "19:00",
        ["es"],
        "+12025550150",
    ),
    (
        "national-grief-online",
        "Evening Light Grief Group (online)",
        "support_group",
        ["bereaved"],
        ["online"],
        "1st and 3rd Mondays, 8–9 pm Eastern",
        "MONTHLY",
        "1MO,3MO",
        "20:00",
        "21:00",
        ["en"],
        "+12025550151",
    ),
]

# Real national helplines, with their real public numbers.
HELPLINES = [
    (
        "988-lifeline",
        "988 Suicide & Crisis Lifeline",
        "988 Suicide & Crisis Lifeline",
        "Free, confidential support for people in suicidal crisis or emotional distress, any time. "
        "Call or text 988, or chat online.",
        "988",
        "https://988lifeline.org",
        ["en", "es"],
        "24 hours a day, 7 days a week",
        ["patients", "caregivers", "family", "bereaved"],
    ),
    (
        "acs-helpline",
        "American Cancer Society",
        "American Cancer Society Cancer Helpline",
        "Trained cancer information specialists answer questions about cancer, treatment and "
        "finding help such as rides and lodging.",
        "+18002272345",
        "https://www.cancer.org",
        ["en", "es"],
        "24 hours a day, 7 days a week",
        ["patients", "caregivers", "family"],
    ),
    (
        "nci-cis",
        "National Cancer Institute",
        "NCI Cancer Information Service",
        "Cancer information specialists answer questions in English and Spanish by phone and chat.",
        "+18004226237",
        "https://www.cancer.gov",
        ["en", "es"],
        "Monday–Friday, 9 am–9 pm Eastern",
        ["patients", "caregivers", "family"],
    ),
    (
        "cancercare",
        "CancerCare",
        "CancerCare Hopeline",
        "Free professional support from oncology social workers: counseling, support groups and "
        "help with practical and financial concerns.",
        "+18008134673",
        "https://www.cancercare.org",
        ["en", "es"],
        "Monday–Thursday 9 am–7 pm, Friday 9 am–5 pm Eastern",
        ["patients", "caregivers", "family", "bereaved"],
    ),
    (
        "csc-helpline",
        "Cancer Support Community",
        "Cancer Support Helpline",
        "Licensed counselors and resource specialists for people with cancer and their families.",
        "+18887939355",
        "https://www.cancersupportcommunity.org",
        ["en", "es"],
        "Monday–Friday, 9 am–8 pm Eastern",
        ["patients", "caregivers", "family"],
    ),
]


def place_of(zip_code: str) -> dict[str, object]:
    (row,) = zipcodes.matching(zip_code)
    return {
        "city": row["city"],
        "state": row["state"],
        "postal_code": zip_code,
        "latitude": float(row["lat"]),
        "longitude": float(row["long"]),
    }


def fictional_phone(area_code: str, n: int) -> str:
    return f"+1{area_code}5550{100 + n % 100:03d}"[:12]


def verified_on(rng: random.Random) -> str:
    # Most listings were checked within six months; about a fifth are overdue.
    return (
        TODAY - timedelta(days=rng.choice([rng.randint(5, 170)] * 4 + [rng.randint(181, 400)]))
    ).isoformat()


def main() -> None:
    rng = random.Random(20261124)
    organizations: list[dict[str, object]] = []
    services: list[dict[str, object]] = []
    for metro, (area_code, zips) in METROS.items():
        places = [place_of(z) for z in zips]
        metro_city = str(places[0]["city"])
        org_keys = []
        for i, template in enumerate(ORG_NAMES):
            key = f"{metro}-org-{i}"
            org_keys.append(key)
            organizations.append(
                {
                    "key": key,
                    "name": template.format(city=metro_city),
                    "demo": True,
                    "description": "A community cancer support organization. Demo listing: this "
                    "organization is fictional.",
                    "website": None,
                    "email": None,
                }
            )
        for n, pattern in enumerate(PATTERNS):
            (
                suffix,
                category,
                specialty,
                audience,
                delivery,
                cost,
                settings,
                languages,
                name,
                description,
                join,
                (sched_text, freq, byday, opens, closes),
            ) = pattern
            place = places[n % len(places)]
            street_no = 100 + rng.randint(0, 89) * 10
            confidential = suffix in ("bereavement",) and rng.random() < 0.5
            service = {
                "key": f"{metro}-{suffix}",
                "organization": org_keys[n % len(org_keys)],
                "name": name.format(place=place["city"]),
                "description": description,
                "category": category,
                "specialty": specialty,
                "audience": audience,
                "delivery": delivery,
                "cost": cost,
                "care_settings": settings,
                "languages": languages,
                "application_process": join,
                "fees_description": {
                    "free": "Free.",
                    "insurance": "Billed to insurance.",
                    "sliding_scale": "Sliding scale by income.",
                    "fee": "Fee per visit; ask about assistance.",
                }[cost[0]],
                "assured_date": verified_on(rng),
                "status": "active",
                "phone": fictional_phone(area_code, len(services)),
                "schedule": {
                    "description": sched_text,
                    "freq": freq,
                    "byday": byday,
                    "opens_at": opens,
                    "closes_at": closes,
                },
                "location": None
                if delivery in (["online"], ["phone"], ["phone", "online"])
                else {
                    "name": name.format(place=place["city"]),
                    "address_1": f"{street_no} {rng.choice(STREETS)}",
                    "city": place["city"],
                    "state": place["state"],
                    "postal_code": place["postal_code"],
                    # Scatter within about a mile of the ZIP centroid.
                    "latitude": round(float(place["latitude"]) + rng.uniform(-0.012, 0.012), 5),
                    "longitude": round(float(place["longitude"]) + rng.uniform(-0.015, 0.015), 5),
                    "confidential": confidential,
                    "accessibility": "Step-free entrance; accessible restroom.",
                },
                # Online/phone options run by a local organization serve their state.
                "service_area": {"scope": "state", "state": place["state"]}
                if {"online", "phone"} & set(delivery)
                else None,
            }
            services.append(service)
    state_org = {
        "key": "statewide-org",
        "name": "Statewide Peer Support Network",
        "demo": True,
        "description": "Peer-led online and phone groups. Demo listing: this "
        "organization is fictional.",
        "website": None,
        "email": None,
    }
    organizations.append(state_org)
    for (
        key,
        state,
        name,
        audience,
        delivery,
        text,
        freq,
        byday,
        opens,
        closes,
        langs,
    ) in STATE_GROUPS:
        services.append(
            {
                "key": key,
                "organization": "statewide-org",
                "name": name,
                "description": f"A peer support group open to anyone in {state}.",
                "category": "support_group",
                "specialty": None,
                "audience": audience,
                "delivery": delivery,
                "cost": ["free"],
                "care_settings": [],
                "languages": langs,
                "application_process": "Call or email to get the link or dial-in number.",
                "fees_description": "Free.",
                "assured_date": verified_on(rng),
                "status": "active",
                "phone": fictional_phone("202", len(services)),
                "schedule": {
                    "description": text,
                    "freq": freq,
                    "byday": byday,
                    "opens_at": opens,
                    "closes_at": closes,
                },
                "location": None,
                "service_area": {"scope": "state", "state": state},
            }
        )
    national_org = {
        "key": "national-demo-org",
        "name": "Open Circle National Cancer Support",
        "demo": True,
        "description": "National online and phone programs. Demo "
        "listing: this organization is fictional.",
        "website": None,
        "email": None,
    }
    organizations.append(national_org)
    for (
        key,
        name,
        category,
        audience,
        delivery,
        text,
        freq,
        byday,
        opens,
        closes,
        langs,
        phone,
    ) in NATIONAL_DEMO:
        services.append(
            {
                "key": key,
                "organization": "national-demo-org",
                "name": name,
                "description": "Open to people anywhere in the United States.",
                "category": category,
                "specialty": None,
                "audience": audience,
                "delivery": delivery,
                "cost": ["free"],
                "care_settings": [],
                "languages": langs,
                "application_process": "Register once by phone or email; then join any session.",
                "fees_description": "Free.",
                "assured_date": verified_on(rng),
                "status": "active",
                "phone": phone,
                "schedule": {
                    "description": text,
                    "freq": freq,
                    "byday": byday,
                    "opens_at": opens,
                    "closes_at": closes,
                },
                "location": None,
                "service_area": {"scope": "national", "state": None},
            }
        )
    for key, org_name, name, description, phone, url, langs, hours, audience in HELPLINES:
        organizations.append(
            {
                "key": f"{key}-org",
                "name": org_name,
                "demo": False,
                "description": description,
                "website": url,
                "email": None,
            }
        )
        services.append(
            {
                "key": key,
                "organization": f"{key}-org",
                "name": name,
                "description": description,
                "category": "helpline",
                "specialty": None,
                "audience": audience,
                "delivery": ["phone", "online"],
                "cost": ["free"],
                "care_settings": [],
                "languages": langs,
                "application_process": "Call; no referral or registration.",
                "fees_description": "Free.",
                "assured_date": TODAY.isoformat(),
                "status": "active",
                "url": url,
                "phone": phone,
                "schedule": {
                    "description": hours,
                    "freq": None,
                    "byday": None,
                    "opens_at": None,
                    "closes_at": None,
                },
                "location": None,
                "service_area": {"scope": "national", "state": None},
            }
        )
    OUT.write_text(
        json.dumps(
            {"organizations": organizations, "services": services}, indent=1, ensure_ascii=False
        )
        + "\n"
    )
    print(f"wrote {len(organizations)} organizations and {len(services)} services to {OUT}")


if __name__ == "__main__":
    main()

"""Everything the hub says by SMS, in English and Spanish, and the two-segment budget.

Every text starts with the hub's name (DESIGN §6). `fit()` keeps a text within two segments:
GSM-7 texts get 306 characters, but one character outside GSM-7 (an á, an emoji) turns the
whole text into UCS-2 with 134; so accents GSM-7 lacks are folded to plain letters only when
that is what it takes to fit, and as a last resort the text is cut at a word.
"""

from __future__ import annotations

import unicodedata

MAX_SEGMENTS = 2

# GSM 03.38 basic character set, and the extension table (each costs two septets).
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = frozenset("^{}\\[~]|€\f")
_GSM_ALL = _GSM_BASIC | _GSM_EXTENDED


def is_gsm(text: str) -> bool:
    return _GSM_ALL.issuperset(text)


def segments(text: str) -> int:
    """How many SMS segments `text` takes (what the carrier bills)."""
    if is_gsm(text):
        # Set and str methods, not a loop per character: every reply is measured (webhook path).
        septets = len(text) + sum(map(text.count, _GSM_EXTENDED))
        return 1 if septets <= 160 else -(-septets // 153)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else -(-units // 67)


def gsm_fold(text: str) -> str:
    """Replace characters GSM-7 lacks with their plain letters (á -> a), keeping ñ, é, ¿, ¡."""
    out = []
    for ch in text:
        if ch in _GSM_BASIC or ch in _GSM_EXTENDED:
            out.append(ch)
            continue
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        replacement = {"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "..."}
        out.append(replacement.get(ch, base if base and is_gsm(base) else "?"))
    return "".join(out)


def fit(text: str, max_segments: int = MAX_SEGMENTS) -> str:
    """`text` within `max_segments`: as written if it fits, else folded, else cut at a word."""
    if segments(text) <= max_segments:
        return text
    text = gsm_fold(text)
    if segments(text) <= max_segments:
        return text
    words = text.split(" ")
    while len(words) > 1:
        words.pop()
        candidate = " ".join(words).rstrip(" ,;:-") + "..."
        if segments(candidate) <= max_segments:
            return candidate
    # One enormous word: cut characters (extension characters count double in GSM-7).
    while segments(text) > max_segments:
        text = text[:-1]
    return text


# Keyed by message name, then language. `{hub}` is always the first word.
TEXTS: dict[str, dict[str, str]] = {
    "welcome": {
        "en": "{hub}: Welcome. Text a ZIP code or city (like GROUPS 02139) to find support "
        "near you, TALK to reach a person, HELP for help, STOP to opt out. In crisis, call "
        "or text 988. Msg&data rates may apply.",
        "es": "{hub}: Bienvenida/o. Envíe su código postal o ciudad (ej. GRUPOS 02139) para "
        "encontrar apoyo, HABLAR para hablar con alguien, AYUDA o ALTO para salir. Crisis: "
        "llame o texto al 988. Pueden aplicar tarifas.",
    },
    "help": {
        "en": "{hub}: Support for people with metastatic breast cancer and caregivers. Text a "
        "ZIP or city to find groups, counselors, chaplains; TALK to reach a person; ESPAÑOL "
        "for Spanish. STOP to opt out. Crisis: call/text 988. Msg&data rates may apply.",
        "es": "{hub}: Apoyo para personas con cáncer de mama metastásico y cuidadores. Envíe "
        "código postal o ciudad para buscar apoyo; HABLAR para hablar con alguien; ENGLISH "
        "para inglés. ALTO para salir. Crisis: 988. Pueden aplicar tarifas.",
    },
    "opted_out": {
        "en": "{hub}: You are unsubscribed and will get no more messages from us. Reply "
        "START to resubscribe. In crisis, call or text 988.",
        "es": "{hub}: Se ha dado de baja y no recibirá más mensajes nuestros. Responda START "
        "para volver. En crisis, llame o envíe texto al 988.",
    },
    "opted_in_again": {
        "en": "{hub}: You are subscribed again. Text a ZIP code to find support, HELP for "
        "help, STOP to opt out. Msg&data rates may apply.",
        "es": "{hub}: Está suscrita/o de nuevo. Envíe su código postal para buscar apoyo, "
        "AYUDA para ayuda, ALTO para salir. Pueden aplicar tarifas.",
    },
    "language_set": {
        "en": "{hub}: We will text you in English. Text a ZIP code to find support or HELP.",
        "es": "{hub}: Le escribiremos en español. Envíe su código postal para buscar apoyo o "
        "AYUDA.",
    },
    "not_understood": {
        "en": "{hub}: Sorry, we did not understand. Text a ZIP code or city to find support, "
        "TALK to reach a person, or HELP. In crisis, call or text 988.",
        "es": "{hub}: Perdón, no entendimos. Envíe su código postal o ciudad para buscar "
        "apoyo, HABLAR para hablar con alguien, o AYUDA. En crisis, llame al 988.",
    },
    "urgent_self_harm": {
        "en": "{hub}: Please call or text 988 (Suicide & Crisis Lifeline) now. If you are in "
        "immediate danger, call 911. A person from {hub} has been told.",
        "es": "{hub}: Por favor llame o envíe texto al 988 (Línea de Crisis y Suicidio) ahora. "
        "Si corre peligro inmediato, llame al 911. Ya avisamos a una persona de {hub}.",
    },
    "urgent_medical": {
        "en": "{hub}: This may be an emergency. Call 911 or your care team now. A person from "
        "{hub} has been told.",
        "es": "{hub}: Esto puede ser una emergencia. Llame al 911 o a su equipo médico ahora. "
        "Ya avisamos a una persona de {hub}.",
    },
    "elevated": {
        "en": "{hub}: Thank you for telling us. A person from {hub} will text you back, "
        "usually within one business day. For urgent help call or text 988, or 911.",
        "es": "{hub}: Gracias por contarnos. Una persona de {hub} le escribirá, normalmente "
        "en un día hábil. Si es urgente llame o envíe texto al 988, o al 911.",
    },
    # The safety net (inbox.services): free text from someone staff already know goes to a person.
    "routine_received": {
        "en": "{hub}: Thank you. A person from {hub} will read your message. For urgent help "
        "call or text 988, or 911.",
        "es": "{hub}: Gracias. Una persona de {hub} leerá su mensaje. Si es urgente llame o "
        "envíe texto al 988, o al 911.",
    },
    "search_footer": {
        "en": "Reply 1-{n} for details, MORE for more.",
        "es": "Responda 1-{n} para detalles, MAS para más.",
    },
    "search_footer_last": {
        "en": "Reply 1-{n} for details.",
        "es": "Responda 1-{n} para detalles.",
    },
    "search_header": {
        "en": "{hub}: Near {place}:",
        "es": "{hub}: Cerca de {place}:",
    },
    "search_none_near": {
        "en": "{hub}: Nothing within {radius} miles of {place}. Online/phone options:",
        "es": "{hub}: Nada a menos de {radius} millas de {place}. Opciones en línea/teléfono:",
    },
    "search_nothing": {
        "en": "{hub}: We found nothing for {place} yet. TALK to reach a person who can help "
        "look. In crisis, call or text 988.",
        "es": "{hub}: No encontramos nada para {place} todavía. HABLAR para que una persona "
        "le ayude a buscar. En crisis, llame al 988.",
    },
    "search_no_more": {
        "en": "{hub}: No more results. Text another ZIP code or city to search again.",
        "es": "{hub}: No hay más resultados. Envíe otro código postal o ciudad.",
    },
    "search_expired": {
        "en": "{hub}: That search has ended. Text a ZIP code or city to search again.",
        "es": "{hub}: Esa búsqueda terminó. Envíe un código postal o ciudad para buscar.",
    },
    "place_not_found": {
        "en": "{hub}: We could not find {place}. Try a 5-digit ZIP code or City ST (like "
        "Austin TX).{suggestions}",
        "es": "{hub}: No encontramos {place}. Pruebe un código postal de 5 dígitos o Ciudad "
        "ST (ej. Austin TX).{suggestions}",
    },
    "did_you_mean": {"en": " Did you mean {options}?", "es": " ¿Quiso decir {options}?"},
    "search_needs_place": {
        "en": "{hub}: Add your ZIP code or City ST, like {word} 02139 or {word} near Austin TX.",
        "es": "{hub}: Agregue su código postal o Ciudad ST, ej. {word} 02139.",
    },
    "search_pick": {
        "en": "{hub}: Reply a number from 1 to {n} for details, or text a ZIP code to search.",
        "es": "{hub}: Responda un número del 1 al {n} para detalles, o envíe un código postal.",
    },
    "call": {"en": "Call {phone}.", "es": "Llame al {phone}."},
    "call_for_place": {"en": "Call for the location", "es": "Llame para saber el lugar"},
    "online": {"en": "online", "es": "en línea"},
    "by_phone": {"en": "by phone", "es": "por teléfono"},
    # Weekly check-ins (checkins/conversation.py). The program is named in the consent prompt.
    "checkin_consent": {
        "en": "{hub} Weekly Wellbeing Check-ins: one text a week asking how you are. Reply YES "
        "to join. Msg&data rates may apply. Reply HELP for help, STOP to opt out.",
        "es": "{hub} Chequeo Semanal de Bienestar: un mensaje por semana para saber cómo está. "
        "Responda SI para unirse. Pueden aplicar tarifas. AYUDA para ayuda, ALTO para salir.",
    },
    "checkin_consent_caregiver": {
        "en": "{hub} Weekly Caregiver Check-ins: one text a week asking how you, the "
        "caregiver, are doing. Reply YES to join. Msg&data rates may apply. Reply HELP for "
        "help, STOP to opt out.",
        "es": "{hub} Chequeo Semanal para Cuidadores: un mensaje por semana para saber cómo "
        "está usted. Responda SI para unirse. Pueden aplicar tarifas. AYUDA para ayuda, ALTO "
        "para salir.",
    },
    "checkin_confirmed": {
        "en": "{hub}: You are signed up. We will check in {when}. To change it reply like "
        "WHEN TUE 10AM; PAUSE for a break; TALK to reach a person; STOP to end.",
        "es": "{hub}: Ya está inscrita/o. Le escribiremos {when}. Para cambiarlo responda "
        "CUANDO MAR 10AM; PAUSA para descansar; HABLAR para hablar con alguien; ALTO para salir.",
    },
    "checkin_already": {
        "en": "{hub}: You already get check-ins {when}. Reply WHEN TUE 10AM to change the "
        "time, PAUSE for a break.",
        "es": "{hub}: Ya recibe chequeos {when}. Responda CUANDO MAR 10AM para cambiar la "
        "hora, PAUSA para descansar.",
    },
    "checkin_question": {
        "en": "{hub} weekly check-in: How much distress have you felt this past week, from 0 "
        "(none) to 10 (extreme)? Reply with a number. Reply TALK to reach a person.",
        "es": "{hub} chequeo semanal: ¿Cuánta angustia ha sentido esta semana, de 0 (nada) a "
        "10 (extrema)? Responda con un número. HABLAR para hablar con una persona.",
    },
    "checkin_question_caregiver": {
        "en": "{hub} caregiver check-in: Caring is hard work. How much distress have you felt "
        "this past week, from 0 (none) to 10 (extreme)? Reply TALK to reach a person.",
        "es": "{hub} chequeo para cuidadores: Cuidar es difícil. ¿Cuánta angustia ha sentido "
        "esta semana, de 0 (nada) a 10 (extrema)? HABLAR para hablar con una persona.",
    },
    "checkin_thanks": {
        "en": "{hub}: Thank you for checking in. Reply TALK any time to reach a person. In "
        "crisis, call or text 988.",
        "es": "{hub}: Gracias por responder. Escriba HABLAR cuando quiera hablar con una "
        "persona. En crisis, llame o envíe texto al 988.",
    },
    "checkin_reask": {
        "en": "{hub}: Sorry, we did not catch that. Reply a number from 0 (none) to 10 "
        "(extreme) for your distress this past week, or TALK to reach a person.",
        "es": "{hub}: Perdón, no entendimos. Responda un número de 0 (nada) a 10 (extrema) "
        "para su angustia esta semana, o HABLAR para hablar con una persona.",
    },
    "checkin_when_set": {
        "en": "{hub}: Done. We will check in {when}. PAUSE for a break, STOP to end.",
        "es": "{hub}: Listo. Le escribiremos {when}. PAUSA para descansar, ALTO para salir.",
    },
    "checkin_when_bad": {
        "en": "{hub}: We could not use that time. Check-ins go out 8 AM to 9 PM. Try WHEN "
        "TUE 10AM or WHEN MORNINGS.",
        "es": "{hub}: No pudimos usar esa hora. Los chequeos salen de 8 AM a 9 PM. Pruebe "
        "CUANDO MAR 10AM o CUANDO MAÑANAS.",
    },
    "checkin_paused": {
        "en": "{hub}: Check-ins are paused. Reply RESUME to start them again. TALK reaches a "
        "person any time.",
        "es": "{hub}: Chequeos en pausa. Responda REANUDAR para volver a recibirlos. HABLAR "
        "para hablar con una persona.",
    },
    "checkin_paused_until": {
        "en": "{hub}: Check-ins are paused until {date}. Reply RESUME to start sooner. TALK "
        "reaches a person any time.",
        "es": "{hub}: Chequeos en pausa hasta el {date}. Responda REANUDAR para volver antes. "
        "HABLAR para hablar con una persona.",
    },
    "checkin_pause_bad": {
        "en": "{hub}: A pause can be 1 day to 12 months, like PAUSE 2W or PAUSE 10 DAYS.",
        "es": "{hub}: Una pausa puede ser de 1 día a 12 meses, como PAUSA 2S o PAUSA 10 DIAS.",
    },
    "checkin_resumed": {
        "en": "{hub}: Check-ins are back on. We will check in {when}.",
        "es": "{hub}: Los chequeos vuelven. Le escribiremos {when}.",
    },
    "checkin_not_joined": {
        "en": "{hub}: You are not signed up for check-ins. Text CHECKIN to join (or CHECKIN "
        "CAREGIVER if you care for someone).",
        "es": "{hub}: No está inscrita/o en los chequeos. Envíe SEGUIMIENTO para unirse (o "
        "SEGUIMIENTO CUIDADOR si cuida a alguien).",
    },
}


def render(name: str, language: str, hub: str, **values: object) -> str:
    """The named text in `language` (English when missing), filled in and fitted to 2 segments."""
    variants = TEXTS[name]
    template = variants.get(language) or variants["en"]
    return fit(template.format(hub=hub, **values))


def phrase(name: str, language: str) -> str:
    """A fragment (no hub name, not fitted) for composing longer texts."""
    variants = TEXTS[name]
    return variants.get(language) or variants["en"]

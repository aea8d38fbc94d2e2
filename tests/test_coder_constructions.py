"""The event coder on the constructions it reads by rule: complements of appeals, promises, demands,
refusals, threats and orders; coordination; clause kinds; actors given by context. Invented sentences."""

from __future__ import annotations

import pytest


def _events(extract, text, published="2019-06-01"):
    return extract(text, published=published).events


def _dyads(events):
    return {(e.source.code if e.source else None, e.target.code if e.target else None, e.cameo) for e in events}


# --- complements: the act an appeal, promise, demand, refusal or threat is about ---------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Amnesty International urged Iran to free the jailed rapper.", ("NGOWLDAMN", "IRN", "0253")),
        ("Ukraine demanded that Russia withdraw its troops from the nuclear plant.", ("UKR", "RUS", "1056")),
        ("Germany agreed to supply weapons to Ukraine.", ("DEU", "UKR", "0332")),
        ("Pakistan threatened to break off diplomatic relations with Denmark.", ("PAK", "DNK", "1313")),
        ("Moscow threatened to impose sanctions on Latvia.", ("RUSGOV", "LVA", "1312")),
    ],
)
def test_complement_refines_the_code_and_is_not_coded_twice(extract, text, expected):
    events = _events(extract, text)
    assert _dyads(events) == {expected}, text


def test_refusal_to_act_is_a_refusal(extract):
    events = _events(extract, "Iran refused to release the detained French diplomats.")
    assert [(e.source.code, e.cameo[:3]) for e in events] == [("IRN", "124")]


def test_promise_of_violence_is_the_act_intended(extract):
    (e,) = _events(extract, "The Houthis vowed to keep attacking Israeli ships in the Red Sea.")
    assert e.cameo_root == "19" and e.modality == "intended" and e.source.code == "YEMREBHTH"


def test_readiness_is_intent_to_cooperate(extract):
    (e,) = _events(extract, "Pyongyang said it was ready to resume nuclear talks with Washington.")
    assert (e.source.code, e.target.code, e.cameo) == ("PRKGOV", "USAGOV", "036")


def test_demand_addressee_is_the_subject_of_the_demanded_clause(extract):
    (e,) = _events(extract, "Turkey demanded that Sweden extradite the suspects.")
    assert e.cameo_root == "10" and e.target.code == "SWE"


def test_statement_that_someone_must_act_is_a_demand(extract):
    (e,) = _events(extract, "Russia said on Tuesday that Sudan must return the helicopter.")
    assert (e.source.code, e.target.code, e.cameo_root) == ("RUS", "SDN", "10")


def test_reiterated_demand_is_the_demand(extract):
    (e,) = _events(extract, "The ILO reiterated its demand that Israel ease restrictions on Palestinian workers.")
    assert e.cameo_root == "10" and e.target.code == "ISR"


def test_conditional_announcement_is_a_threat(extract):
    (e,) = _events(extract, "Nigeria announced that it will withdraw its peacekeepers from Chad unless the president holds elections.")
    assert e.cameo_root == "13" and e.modality == "asserted" and e.source.code == "NGA"


def test_threat_target_from_its_condition(extract):
    (e,) = [x for x in _events(extract, "Russia threatened to stop the talks if the United States deployed new missiles.") if x.cameo_root == "13"]
    assert e.cameo_root == "13" and e.target.code == "USA"


# --- orders and clausal complements -------------------------------------------------------------------------


def test_order_to_own_forces_is_their_act_intended(extract):
    events = _events(extract, "Russian Defence Minister Sergei Shoigu ordered troops to withdraw from the city of Kherson.", "2022-11-09")
    assert [(e.source.code, e.cameo, e.modality) for e in events] == [("RUSMIL", "0874", "intended")]


def test_order_to_leave_is_an_expulsion(extract):
    (e,) = _events(extract, "Niger's junta ordered the French ambassador to leave the country within 48 hours.", "2023-08-25")
    assert (e.target.code, e.cameo) == ("FRAGOV", "161")


def test_object_told_to_act_is_the_actor_of_the_act(extract):
    (e,) = _events(extract, "Congress is asking Obama to help Iran.", "2014-01-01")
    assert e.target.code == "USAGOV" and e.cameo == "023"


# --- nouns: speech acts as objects, light verbs, measures --------------------------------------------------


def test_rejected_proposal_targets_its_author(extract):
    events = _events(extract, "Israel rejected an Egyptian proposal for a truce in Gaza.")
    assert [(e.source.code, e.target.code, e.cameo_root) for e in events] == [("ISR", "EGY", "12")]


def test_measure_noun_carries_the_aid(extract):
    (e,) = _events(extract, "Finland gave Tanzania a grant of 580 million shillings.")
    assert (e.source.code, e.target.code, e.cameo) == ("FIN", "TZA", "071")


def test_in_phrase_noun_takes_the_act(extract):
    (e,) = _events(extract, "Syrian rebels engaged Filipino peacekeepers in a firefight in the Golan Heights.")
    assert e.cameo == "193" and e.source.code == "SYRREB" and e.target.country == "PHL"


# --- coordination ---------------------------------------------------------------------------------------


def test_three_way_list_meeting_is_pairwise(extract):
    events = _events(extract, "The US, Russia, and Switzerland met yesterday")
    pairs = {(e.source.country, e.target.country) for e in events if e.cameo_root == "04"}
    assert pairs == {(a, b) for a in ("USA", "RUS", "CHE") for b in ("USA", "RUS", "CHE") if a != b}


def test_coordinated_adjectives_are_two_sides(extract):
    events = _events(extract, "Indian and Chinese soldiers clashed in the Galwan valley.", "2020-06-16")
    assert _dyads(events) == {("INDMIL", "CHNMIL", "190"), ("CHNMIL", "INDMIL", "190")}


def test_coordinated_adjectives_are_both_targets(extract):
    events = [e for e in _events(extract, "Iran condemned the American and British strikes.") if e.cameo_root == "11"]
    assert {e.target.code for e in events} == {"USA", "GBR"}


def test_a_noun_attack_is_not_reciprocal(extract):
    events = _events(extract, "Iran condemned the American and British strikes.")
    assert not any(e.source and e.target and {e.source.code, e.target.code} == {"USA", "GBR"} for e in events)


# --- clauses ---------------------------------------------------------------------------------------------


def test_relative_clause_is_background(extract):
    events = _events(extract, "The United States struck a militant group that has seized parts of Iraq and Syria.")
    assert not any(e.cameo.startswith("192") for e in events)


def test_non_restrictive_who_clause_is_news(extract):
    events = _events(extract, "Guterres praised Erdogan, who is expected to visit Athens in August.", "2019-06-01")
    assert any(e.cameo_root == "04" and e.target.country == "GRC" and e.modality == "intended" for e in events)


def test_purpose_of_a_protest_gives_its_target_and_code(extract):
    (e,) = _events(extract, "Egyptian protesters rallied in Tahrir Square for a 17th day to demand the resignation of President Hosni Mubarak.", "2011-02-10")
    assert (e.source.code, e.target.code, e.cameo) == ("EGYOPP", "EGYGOV", "1411")


def test_protest_without_addressee_targets_the_home_government(extract):
    (e,) = _events(extract, "University students in Serbia boycotted classes for a third month.")
    assert e.target.code == "SRBGOV"


def test_participle_casualties_belong_to_the_strike(extract):
    (e,) = _events(extract, "Turkish jets struck PKK camps, killing at least 30 militants.")
    assert e.cameo_root == "19" and [(q.value, q.unit) for q in e.quantities] == [(30, "militant")]


def test_participle_of_an_issued_statement_is_what_it_says(extract):
    events = _events(extract, "The United States and Britain issued a joint statement calling on all Libyan parties to stop fighting.")
    assert {(e.source.code, e.target.code) for e in events if e.cameo_root == "02"} == {("USA", "LBY"), ("GBR", "LBY")}


def test_reduced_relative_with_agent_is_news_when_nothing_else_is(extract):
    (e,) = _events(extract, "The coalition said its air defences had intercepted a ballistic missile fired by the Houthis at Riyadh.")
    assert (e.source.code, e.target.country, e.cameo) == ("YEMREBHTH", "SAU", "194")


# --- modality --------------------------------------------------------------------------------------------


def test_would_in_a_reported_clause_is_intended(extract):
    (e,) = _events(extract, "Downing Street announced that Britain would send Challenger 2 tanks to Ukraine.", "2023-01-14")
    assert e.modality == "intended" and e.target.code == "UKR"


def test_would_with_a_condition_stays_hypothetical(extract):
    events = _events(extract, "Washington said it would lift sanctions on Syria if the government protected minorities.")
    assert any(e.cameo == "085" and e.modality == "hypothetical" for e in events)


def test_circumstance_noun_is_not_negated_by_its_clause(extract):
    events = _events(extract, "Niger's junta did not release the prisoners despite an ECOWAS ultimatum.", "2023-08-08")
    ultimatum = [e for e in events if e.cameo == "139"]
    assert ultimatum and ultimatum[0].modality == "asserted"
    assert any(e.cameo_root == "08" and e.modality == "negated" for e in events)


def test_scheduled_and_set_to_are_intended(extract):
    (e,) = _events(extract, "Ukraine's president is set to meet the French president in Paris on Friday.")
    assert e.modality == "intended"


# --- actors given by context -----------------------------------------------------------------------------


def test_pronoun_in_a_reported_clause_is_the_speaker(extract):
    (e,) = _events(extract, "France, which has 1,500 troops in Niger, said it backed ECOWAS fully.")
    assert e.source.code == "FRA"


def test_troops_in_a_country_are_not_its_troops(extract):
    events = _events(extract, "Russian forces attacked French troops in Mali.")
    assert any(e.target is not None and e.target.country == "FRA" for e in events)


def test_ethnic_group_is_of_the_country_it_lives_in(extract):
    (e,) = _events(extract, "Serb forces killed three ethnic Albanians in southeastern Serbia.", "1999-01-01")
    assert e.target.country == "SRB"


def test_bare_agent_is_an_actor_of_unknown_country(extract):
    (e,) = _events(extract, "Insurgents bombarded a government-held district of Aleppo overnight.")
    assert e.source.code == "---INS" or e.source.code.startswith("---")
    assert e.target.country == "SYR"


def test_nobody_named_is_no_event(extract):
    assert _events(extract, "Eight people were killed in the fighting.") == []


def test_dateline_is_not_the_subject(extract):
    events = _events(extract, "DOHA, Feb 29 - The United States and the Taliban signed an agreement in Doha on Saturday.", "2020-02-29")
    assert _dyads(events) == {("USA", "AFGINSTAL", "057"), ("AFGINSTAL", "USA", "057")}


def test_title_and_surname_name_the_office_holder(extract):
    (e,) = _events(extract, "President Bush met the Chinese president in Beijing.", "2008-08-06")
    assert e.source.code == "USAGOV"


def test_aircraft_strikes_are_aerial(extract):
    events = _events(extract, "American warplanes struck Houthi sites across Yemen.")
    assert {e.cameo for e in events} == {"195"}


def test_capital_naming_an_agreement_is_no_actor(extract):
    events = _events(extract, "The United States withdrew from the Paris climate accord.", "2020-11-04")
    assert all(e.target is None or e.target.country != "FRA" for e in events)


def test_government_of_the_story_country(extract):
    text = ("Niger's junta closed the border with Benin. Niger also recalled its ambassador from Nigeria. "
            "Niger's army patrolled the capital. The junta has refused to meet envoys from ECOWAS.")
    events = [e for e in _events(extract, text, "2023-08-20") if e.cameo == "125"]
    assert events and events[0].source.country == "NER"


# --- event nouns -----------------------------------------------------------------------------------------


def test_talks_between_two_parties_are_reciprocal(extract):
    events = _events(extract, "Negotiations between the Afghan government and the Taliban opened in Doha.", "2020-09-12")
    assert _dyads(events) == {("AFGGOV", "AFGINSTAL", "046"), ("AFGINSTAL", "AFGGOV", "046")}


def test_of_phrase_of_an_intransitive_noun_is_its_doer(extract):
    (e,) = _events(extract, "The withdrawal of French troops from Niger was completed on Friday.", "2023-12-22")
    assert (e.source.code, e.target.code, e.cameo) == ("FRAMIL", "NER", "0874")


def test_joint_exercises_are_military_cooperation(extract):
    events = _events(extract, "Turkish and Azerbaijani troops held joint exercises near Baku.")
    assert _dyads(events) == {("TURMIL", "AZEMIL", "062"), ("AZEMIL", "TURMIL", "062")}


def test_strikes_doing_a_killing_are_one_act_of_the_military(extract):
    (e,) = _events(extract, "Russian airstrikes killed 12 civilians in Idlib province.")
    assert (e.source.code, e.cameo, e.target.country) == ("RUSMIL", "195", "SYR")


def test_accused_act_is_the_accusers_claim(extract):
    events = _events(extract, "Mike Pompeo accused Iran of attacking two tankers in the Gulf of Oman.", "2019-06-14")
    accused = [e for e in events if e.cameo_root == "19"]
    assert accused and accused[0].source.code == "IRN" and accused[0].modality == "reported"
    assert accused[0].attributed_to is not None and accused[0].attributed_to.country == "USA"


def test_threat_against_a_hypothetical_attacker(extract):
    events = _events(extract, "Pakistan's army warned that it would respond to any Indian strike.", "2019-02-22")
    threat = [e for e in events if e.cameo_root == "13"]
    assert threat and threat[0].target.country == "IND"
    assert any(e.cameo_root == "19" and e.modality == "hypothetical" for e in events)


# --- what is sent: a container noun names its contents in a compound ("an aid shipment") --------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Turkey sent an aid shipment to Somalia.", ("TUR", "SOM", "070")),
        ("Qatar sent aid to Gaza.", ("QAT", "PSE", "070")),
        ("Germany shipped an arms consignment to Ukraine.", ("DEU", "UKR", "072")),
        ("Japan sent a shipment of medicine to Nepal.", ("JPN", "NPL", "073")),
    ],
)
def test_the_contents_of_a_shipment_give_the_code(extract, text, expected):
    assert _dyads(_events(extract, text)) == {expected}, text


def test_there_is_introduces_the_news(extract):
    """"There were ten soldiers killed": the participle is what the sentence tells, not a description."""
    events = _events(extract, "There were ten Russian soldiers killed in Ukraine on Monday.")
    assert [(e.target.code, e.cameo[:2]) for e in events] == [("RUSMIL", "19")]
    assert not _events(extract, "Ten Russian soldiers killed in Ukraine were buried on Monday.")


def test_they_after_coordinated_speakers_is_the_speakers(extract):
    """Each speaker says it of himself: two events, each his own claim."""
    events = _events(extract, "Obama and Putin said they will attack Iraq.", published="2015-06-01")
    assert [(e.source.code, e.target.code, e.cameo[:2], e.attributed_to.code) for e in events] == [
        ("USAGOV", "IRQ", "19", "USAGOV"), ("RUSGOV", "IRQ", "19", "RUSGOV")]


def test_an_agent_word_used_as_a_verb_is_no_actor(extract):
    """"wounded" is a verb here (and the act), but "the wounded" are civilians."""
    events = _events(extract, "Irish nationalist guerrillas wounded two British soldiers in a bomb attack.")
    assert [(e.source.code, e.target.code, e.cameo[:2]) for e in events] == [("IRLREB", "GBRMIL", "18")]  # a bombing
    evacuated = _events(extract, "Turkish troops evacuated the wounded from the town of Afrin.")
    assert [(e.target.sector, e.cameo) for e in evacuated] == [("CVL", "073")]


def test_a_part_of_the_object_stands_for_it(extract):
    events = _events(extract, "The United States suspended part of a military aid program for Bosnia.")
    assert _dyads(events) == {("USA", "BIH", "162")}


@pytest.mark.parametrize(
    "text, code",
    [
        ("The United States provided military support to Lebanon.", "072"),
        ("Japan provided economic aid to Sri Lanka.", "071"),
        ("The European Union delivered humanitarian aid to Yemen.", "073"),
        ("Turkey provided diplomatic support to Azerbaijan.", None),  # support in words stays 05
    ],
)
def test_the_kind_of_aid_gives_the_code(extract, text, code):
    events = _events(extract, text)
    if code is None:
        assert all(e.cameo[:2] == "05" for e in events) and events, text
    else:
        assert [e.cameo for e in events] == [code], text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("A roadside bomb near the city of Kandahar killed four Canadian soldiers.", ("AFGUAF", "CANMIL", "1833")),
        ("Two Pakistani policemen were killed in a car bomb explosion in Peshawar.", ("PAKUAF", "PAKCOP", "1832")),
        # a two-word preposition holds the place: "outside of"
        ("Four Malian soldiers were killed by an explosive device outside of the town of Gao.", ("MLIUAF", "MLIMIL", "183")),
    ],
)
def test_an_unclaimed_bomb_is_an_unidentified_armed_actor_where_it_went_off(extract, text, expected):
    assert _dyads(_events(extract, text)) == {expected}


@pytest.mark.parametrize(
    "text, code",
    [
        ("Kurdish militants wounded three Turkish policemen in a bomb attack.", "183"),
        ("A suicide bomber killed twelve Nigerian soldiers near Maiduguri.", "1831"),
        ("Two Iraqi policemen were killed by an improvised explosive device in Mosul.", "1833"),
        # ordnance and mines stay the use of force
        ("A mortar bomb killed two Syrian soldiers near Idlib.", "190"),
        ("A landmine killed three Colombian soldiers near Cali.", "190"),
        ("Rebels killed four Congolese soldiers in an ambush in Kivu.", "190"),
    ],
)
def test_killing_with_a_bomb_is_a_bombing(extract, text, code):
    assert [e.cameo for e in _events(extract, text)] == [code], text


def test_an_unclaimed_bomb_with_no_place_or_no_victim_names_no_attacker(extract):
    assert _events(extract, "A bomb killed five people.") == []
    assert all(e.source is None for e in _events(extract, "Three Kenyan soldiers were killed by a roadside bomb."))


@pytest.mark.parametrize(
    "text, target",
    [
        ("Kenya is investigating alleged abuses by Somali militias.", "SOMUAF"),
        ("The European Union condemned the killing of civilians by the Myanmar army.", "MMRMIL"),
        ("Serbian police opened an investigation into war crimes committed by Croatian forces.", "HRVMIL"),
        ("The United Nations denounced abuses that Ethiopian troops committed in Tigray.", "ETHMIL"),
    ],
)
def test_what_is_investigated_or_blamed_is_aimed_at_the_act_author(extract, text, target):
    events = [e for e in _events(extract, text) if e.cameo_root in ("09", "11")]
    assert [e.target.code for e in events] == [target], text


@pytest.mark.parametrize(
    "text",
    [
        "Armenia and Azerbaijan failed to reach an agreement on the border.",
        "The Indian army has refrained from attacking Pakistani posts.",
    ],
)
def test_an_act_that_failed_or_was_held_back_is_negated(extract, text):
    events = _events(extract, text)
    assert events and all(e.modality == "negated" for e in events), text


def test_a_labour_strike_is_no_military_strike(extract):
    (e,) = _events(extract, "Teachers' unions in Kenya called a nationwide strike over pay.")
    assert e.cameo == "143"


@pytest.mark.parametrize(
    "text, code",
    [("Germany offered military support to Lithuania.", "0332"), ("Japan offered humanitarian aid to Turkey.", "0333")],
)
def test_a_two_word_name_of_the_offered_act_refines_the_offer(extract, text, code):
    (e,) = _events(extract, text)
    assert e.cameo == code


def test_the_two_leaders_are_the_two_named_together_before(extract):
    text = ("Indian Prime Minister Narendra Modi met Chinese President Xi Jinping in Kazan on Wednesday.\n\n"
            "The two leaders signed a joint declaration on border patrols.\n\n"
            "Russia praised the courage of both leaders.")
    events = _events(extract, text, published="2024-10-23")
    assert {(e.source.code, e.target.code, e.cameo) for e in events if e.cameo in ("057", "051")} == {
        ("INDGOV", "CHNGOV", "057"), ("CHNGOV", "INDGOV", "057"), ("RUS", "INDGOV", "051"), ("RUS", "CHNGOV", "051")}


def test_the_doer_is_not_one_of_both_countries(extract):
    events = _events(extract, "Armenia and Azerbaijan blamed each other for the shelling. Russia criticised both countries.")
    assert {(e.source.code, e.target.code) for e in events if e.cameo_root == "11"} == {("RUS", "ARM"), ("RUS", "AZE")}


def test_what_is_asked_for_is_asked_from_someone(extract):
    (e,) = _events(extract, "Ukraine asked for military aid from Germany.")
    assert (e.source.code, e.target.code, e.cameo) == ("UKR", "DEU", "0232")


def test_talks_asked_for_are_asked_of_their_other_side(extract):
    (e,) = _events(extract, "Russia called for talks with Ukraine on Monday.")
    assert (e.source.code, e.target.code, e.cameo) == ("RUS", "UKR", "026")
    # a call for sanctions against a country is not addressed to it
    assert not any(e.target and e.target.code == "IRN" for e in _events(extract, "The senator called for sanctions against Iran."))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("A report by Amnesty International alleged that Russian troops had tortured civilians.", ("NGOWLDAMN", "RUSMIL", "112")),
        ("A statement from the Kremlin accused Ukraine of shelling the plant.", ("RUSGOV", "UKR", "112")),
        ("A communique issued in Ankara condemned the Syrian air strikes.", ("TURGOV", "SYR", "111")),
    ],
)
def test_a_document_speaks_for_whoever_issued_it(extract, text, expected):
    assert expected in _dyads(_events(extract, text)), text


def test_an_allegation_is_aimed_at_whom_the_clause_says_acted(extract):
    events = _events(extract, "Pakistan alleged that India had violated the ceasefire.")
    assert ("PAK", "IND", "112") in _dyads(events)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Qatar launched a mediation effort between Ethiopia and Eritrea.", {("QAT", "ETH", "045"), ("QAT", "ERI", "045")}),
        ("Serbia and Kosovo reached a consensus on licence plates.", {("SRB", "XKX", "057"), ("XKX", "SRB", "057")}),
    ],
)
def test_a_framing_noun_takes_the_act_it_frames(extract, text, expected):
    assert _dyads(_events(extract, text)) == expected


def test_sending_investigators_is_an_investigation(extract):
    assert _dyads(_events(extract, "The United Nations dispatched investigators to Syria.")) == {("IGOUNO", "SYR", "090")}


def test_a_warm_welcome_is_hosting_a_visit(extract):
    assert _dyads(_events(extract, "France gave a warm welcome to the South African president.")) == {("FRA", "ZAFGOV", "043")}


def test_a_same_as_verb_is_read_as_its_base_in_every_role():
    from newsevents.events.lexicon import load_lexicon

    lexicon = load_lexicon()
    assert lexicon.verbs["reimpose"] == lexicon.verbs["impose"] and "reimpose" in lexicon.light_verbs
    assert lexicon.verbs["prohibit"] == lexicon.verbs["ban"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Israel reimposed a blockade on the West Bank on Friday.", ("ISR", "PSE", "191")),
        ("The United States prohibited all aid to Albanian rebels.", ("USA", "ALBREB", "162")),
    ],
)
def test_a_repeated_act_or_a_synonym_codes_as_its_base_verb(extract, text, expected):
    assert _dyads(_events(extract, text)) == {expected}, text


# --- pronouns and places -------------------------------------------------------------------------------------


def test_a_measure_of_aid_in_a_place_is_still_aid(extract):
    """"aid deliveries in Kabul": the deliveries are of aid; "in" tells where, and where is the target."""
    events = _events(extract, "UN officials suspended all aid shipments in Kabul and Kandahar.")
    assert _dyads(events) == {("IGOUNO", "AFG", "162")}


def test_a_possessive_in_an_object_or_a_joined_clause_is_the_subjects(extract):
    # not the ally named last, nor the place where something happened
    events = _events(extract, "Pakistan, a key U.S. ally, refused to send troops and urged its citizens to leave Iraq.")
    assert not any(e.target is not None and e.target.code.startswith("USA") for e in events)
    text = "The World Food Programme suspended aid deliveries in Kabul on Wednesday after two of its trucks were hit by gunfire."
    assert (None, "IGOUNOWFP", "190") in _dyads(_events(extract, text))
    # a possessive in a prepositional phrase keeps the nearest name
    events = _events(extract, "The European Union criticised Israel for its treatment of prisoners.")
    assert _dyads(events) == {("IGOEUREEC", "ISR", "111")}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The Thai junta repealed the restrictions on foreign journalists.", ("THA", "081")),
        ("Egypt's military council cancelled the ban on public gatherings.", ("EGY", "081")),
        ("Syrian troops evacuated their positions around the town of Ras Lanuf in Libya.", ("SYR", "0874")),
    ],
)
def test_easing_a_restriction_or_leaving_held_ground_is_a_yield(extract, text, expected):
    assert [(e.source.code[:3], e.cameo) for e in _events(extract, text)] == [expected], text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Kenyan nurses went on strike on Monday.", ("KENHLH", "KEN", "143")),  # against their government
        ("Turkish prisoners remained on a hunger strike against the government.", ("TUR", "TUR", "142")),
        ("The Greek army was put on high alert.", ("GRCMIL", None, "152")),
        ("Ghanaian police were placed on alert in Accra.", ("GHACOP", "GHA", "151")),
    ],
)
def test_a_state_entered_after_on_is_an_act_of_whoever_is_in_it(extract, text, expected):
    (event,) = _events(extract, text)
    assert (event.source.code[:len(expected[0])], event.target.code[:3] if event.target else None, event.cameo) == expected


def test_on_with_an_article_or_a_plural_is_no_state(extract):
    assert _events(extract, "The focus of Kenyan talks is on strikes.") == []
    assert not [e for e in _events(extract, "The debate in Ghana was on the strike.") if e.cameo[:2] == "14"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Russian hackers hacked the Ukrainian defence ministry.", ("RUS", "UKR", "170")),
        ("China launched a cyberattack on Taiwan.", ("CHN", "TWN", "170")),
        ("Iranian hackers defaced hundreds of Israeli websites.", ("IRN", "ISR", "170")),
    ],
)
def test_cyber_attacks_are_coercion(extract, text, expected):
    assert [(e.source.code[:3], e.target.code[:3], e.cameo) for e in _events(extract, text)] == [expected]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Gunmen tried to assassinate Nigerian President Muhammadu Buhari in Abuja.", ("185", "asserted")),
        ("Russia has attempted to seize Ukrainian ships.", ("181", "asserted")),
        ("Britain said Iran tried to seize a British tanker.", ("181", "reported")),
        ("Iran will try to seize British tankers.", ("181", "intended")),  # trying still to come: a plan
        ("Russia tried to negotiate with Ukraine.", ("046", "intended")),  # only force and coercion are acts when tried
    ],
)
def test_an_attempt_at_force_is_an_act(extract, text, expected):
    assert [(e.cameo, e.modality) for e in _events(extract, text, published="2019-06-01")] == [expected], text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Kenyan youths threw stones at police in Kisumu.", ("KEN", "145")),
        ("Some 20,000 Greek workers stopped work on Monday.", ("GRC", "143")),
        ("The World Food Programme reduced food supplies to Somali refugees in Kenya.", ("IGO", "162")),
        ("Libyan guards abused African immigrants in Tripoli.", ("LBY", "182")),
    ],
)
def test_violent_protest_strikes_cuts_and_abuse(extract, text, expected):
    assert [(e.source.code[:3], e.cameo) for e in _events(extract, text)] == [expected], text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ten civilians were killed in a Saudi airstrike in Yemen.", {("SAUMIL", "YEMCVL", "195")}),
        ("Three soldiers were wounded in a Taliban attack in Helmand.", {("AFGINSTAL", "AFGMIL", "190")}),
    ],
)
def test_killed_in_a_named_attack_is_the_attackers_act_once(extract, text, expected):
    assert _dyads(_events(extract, text)) == expected


def test_inspecting_something_in_a_country_is_aimed_at_the_country(extract):
    events = _events(extract, "IAEA inspectors examined the reactors in Iran on Monday.")
    assert [(e.source.code[:3], e.target.code, e.cameo) for e in events] == [("IGO", "IRN", "090")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ukraine received 14 Leopard tanks from Poland on Monday.", {("POL", "UKR", "072")}),
        ("Somalia received food aid from Turkey.", {("TUR", "SOM", "070")}),
        ("Kurdish fighters received assurances from the Iraqi government.", {("IRQGOV", "IRQREB", "030")}),
        ("The Kenyan president received the Ugandan foreign minister in Nairobi.", {("KENGOV", "UGAGOV", "043")}),
    ],
)
def test_what_is_received_from_someone_is_their_giving(extract, text, expected):
    assert _dyads(_events(extract, text)) == expected


def test_restrictions_against_a_countrys_goods_are_aimed_at_the_country(extract):
    assert _dyads(_events(extract, "Italy imposed import restrictions against Turkish steel.")) == {("ITA", "TUR", "172")}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The Thai army imposed a curfew on Monday.", {("THAMIL", "THACVL", "1723")}),
        ("Ethiopia's government lifted the state of emergency.", {("ETHGOV", "ETHCVL", "0814")}),
    ],
)
def test_a_curfew_or_emergency_with_no_one_named_is_on_the_countrys_own_people(extract, text, expected):
    assert _dyads(_events(extract, text)) == expected


def test_a_quantity_of_a_list_takes_the_whole_list(extract):
    events = _events(extract, "Guinean police tortured scores of Sierra Leonean and Liberian refugees.")
    assert {e.target.code[:3] for e in events} == {"SLE", "LBR"}


def test_blocking_a_crossing_or_transport_is_obstruction(extract):
    events = _events(extract, "Polish farmers blocked the border crossing with Ukraine.")
    assert [(e.source.code, e.target.code, e.cameo) for e in events] == [("POLAGR", "UKR", "144")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The junta imposed a curfew in Bamako.", {("MLIGOV", "MLICVL", "1723")}),
        ("Russia lifted the curfew in Georgia on Monday.", {("RUS", "GEOCVL", "0813")}),
    ],
)
def test_a_curfew_in_a_place_is_on_that_places_people(extract, text, expected):
    assert _dyads(_events(extract, text)) == expected


def test_declining_to_act_is_a_refusal_not_the_act(extract):
    events = _events(extract, "Egypt declined to extradite the suspects to Libya.")
    assert {(e.source.code, e.target.code, e.cameo[:2]) for e in events} == {("EGY", "LBY", "12")}
    assert not _events(extract, "Steel exports declined to their lowest level in a decade.")


def test_a_threat_held_out_on_a_condition_is_aimed_at_whoever_must_act(extract):
    events = _events(extract, "Dock workers in Chile threatened to go on strike unless Peru reopened the port.")
    assert ("CHLLAB", "PER", "133") in _dyads(events)


def test_they_after_a_second_verb_is_the_first_verbs_subject(extract):
    events = _events(extract, "Somali clan militias rejected a Kenyan proposal and said they opposed the new constitution.")
    assert {e.source.code[:3] for e in events if e.cameo_root in ("11", "12")} == {"SOM"}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Farmers in Kenya blocked a highway to show their anger at Ugandan import rules.", ("KENAGR", "UGA", "144")),
        ("Thousands of people marched in Minsk in defiance of Russian authorities.", ("BLRCVL", "RUSGOV", "141")),
        ("Workers went on hunger strike to demand the resignation of the Peruvian president.", ("PERLAB", "PERGOV", "1421")),
    ],
)
def test_whom_a_protest_is_aimed_at_is_told_beside_it(extract, text, expected):
    assert expected in _dyads(_events(extract, text)), text


def test_anti_names_what_someone_is_against_not_who_they_are(extract):
    events = _events(extract, "Gunmen in Baghdad killed an anti-Iran cleric on Monday.")
    assert [(e.source.code, e.target.code) for e in events] == [("IRQUAF", "---REL")]


def test_forces_led_by_a_country_are_its_forces(extract):
    events = _events(extract, "Saudi-led forces shelled rebel positions near Aden.")
    assert {e.source.code for e in events} == {"SAUMIL"}


def test_a_complaint_is_aimed_at_whom_it_is_about_not_whom_it_is_told_to(extract):
    events = _events(extract, "Ghana complained to the African Union over Togolese border raids.")
    assert ("GHA", "TGO", "114") in {(e.source.code, e.target.code[:3], e.cameo) for e in events if e.target}


def test_a_helper_is_no_target(extract):
    events = _events(extract, "Chad attacked Boko Haram camps with French help.")
    assert {e.target.code[:3] for e in events} == {"NGA"}


def test_an_exercise_of_two_countries_forces_is_military_cooperation(extract):
    events = _events(extract, "Indian and Japanese warships began five days of naval drills in the Arabian Sea.")
    assert {(e.source.code[:3], e.target.code[:3], e.cameo) for e in events} == {("IND", "JPN", "062"), ("JPN", "IND", "062")}
    (alone,) = _events(extract, "Russian warships held exercises in the Baltic.")
    assert alone.cameo == "150"


def test_returning_seized_weapons_is_returning_property(extract):
    events = _events(extract, "The militia returned the weapons it had seized from Malian soldiers.")
    assert [(e.target.code, e.cameo) for e in events] == [("MLIMIL", "0842")]


def test_a_demand_of_coordinated_parties_is_a_demand_of_each(extract):
    events = _events(extract, "Norway said the Colombian government and the rebels must return to the talks.")
    assert {(e.source.code, e.target.code[:3]) for e in events if e.cameo_root == "10"} == {("NOR", "COL")}
    assert len([e for e in events if e.cameo_root == "10"]) == 2


def test_local_protesters_face_their_government_foreign_ones_the_place(extract):
    assert _dyads(_events(extract, "Thousands of protesters marched in Minsk on Saturday.")) == {("BLROPP", "BLRGOV", "141")}
    assert _dyads(_events(extract, "French activists staged a protest in Moscow.")) == {("FRAOPP", "RUS", "141")}


def test_a_preposition_left_without_its_object_takes_the_participles_subject(nlp):
    """The parse spaCy gives "granted asylum to five officers holed up in ...": "officers" the subject of "holed"."""
    from spacy.tokens import Doc

    from newsevents.events.coder import _prep_objects

    words = ["Peru", "granted", "asylum", "to", "five", "officers", "holed", "up", "in", "Lima"]
    heads = [1, 1, 1, 1, 5, 6, 1, 6, 6, 8]
    deps = ["nsubj", "ROOT", "dobj", "prep", "nummod", "nsubj", "advcl", "prt", "prep", "pobj"]
    tags = ["NNP", "VBD", "NN", "IN", "CD", "NNS", "VBD", "RP", "IN", "NNP"]
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps, tags=tags)
    assert [t.text for t in _prep_objects(doc[1], ("to",))] == ["officers"]
    # "granted asylum to Lima after officers fled": a clause with a marker is a clause, and "to" has its object
    words = ["Peru", "granted", "asylum", "to", "Lima", "after", "officers", "fled"]
    heads = [1, 1, 1, 1, 3, 7, 7, 1]
    deps = ["nsubj", "ROOT", "dobj", "prep", "pobj", "mark", "nsubj", "advcl"]
    tags = ["NNP", "VBD", "NN", "IN", "NNP", "IN", "NNS", "VBD"]
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps, tags=tags)
    assert [t.text for t in _prep_objects(doc[1], ("to",))] == ["Lima"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Kenya announced the suspension of flights to Somalia.", ("KEN", "SOM", "160")),
        ("Canada welcomed Washington's lifting of sanctions on Venezuela.", ("USAGOV", "VEN", "085")),
        ("Poland ordered the closure of its border with Belarus.", ("POL", "BLR", "191")),
        ("Estonia announced the expulsion of two Russian diplomats.", ("EST", "RUSGOV", "161")),
    ],
)
def test_a_nominalized_act_is_coded_as_its_verb_on_what_it_is_of(extract, text, expected):
    assert expected in _dyads(_events(extract, text)), text


def test_a_nominalization_of_nothing_the_verb_codes_is_no_event(extract):
    assert not _events(extract, "Kenya announced the closure of two schools in Nairobi.")


def test_mobilising_supporters_is_rallying_support_not_a_force_posture(extract):
    assert {e.cameo for e in _events(extract, "Qatar has mobilised lobby groups in Britain to back Hamas.")} <= {"053"}
    assert [e.cameo for e in _events(extract, "Armenia mobilised its reservists against Azerbaijan.")] == ["154"]


def test_refugees_a_state_turns_away_are_not_its_own_people(extract):
    events = _events(extract, "Jordan refused to admit more refugees.")
    assert [e.target.code for e in events] == ["---REF"]


def test_a_passive_subject_is_what_a_verb_pattern_names(extract):
    events = _events(extract, "Twelve Lithuanian diplomats were expelled by Belarus.")
    assert _dyads(events) == {("BLR", "LTUGOV", "161")}


def test_protesters_destroying_property_riot(extract):
    assert {e.cameo for e in _events(extract, "Rioters in Nairobi set fire to government offices.")} == {"145"}


def test_a_protest_in_a_countrys_jails_faces_the_jailer(extract):
    events = _events(extract, "Kurdish prisoners began a hunger strike in Turkish prisons.")
    assert {e.target.code[:3] for e in events} == {"TUR"}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Azerbaijan massed troops along its border with Armenia.", ("AZE", "ARM", "154")),
        ("Belarus moved thousands of troops to the border with Poland.", ("BLR", "POL", "154")),
    ],
)
def test_forces_moved_to_a_border_face_the_country_beyond_it(extract, text, expected):
    assert expected in _dyads(_events(extract, text))


def test_an_attack_on_a_ship_linked_to_someone_is_aimed_at_them(extract):
    events = _events(extract, "Somali pirates hijacked a bulk carrier owned by a Greek company.")
    assert {e.target.code[:3] for e in events} == {"GRC"}


def test_a_trade_war_is_no_fighting(extract):
    assert not [e for e in _events(extract, "Beijing's trade war with Washington deepened.") if e.cameo_root == "19"]


def test_an_agent_affiliated_with_a_named_group_is_the_group(extract):
    events = _events(extract, "Militiamen affiliated with Hezbollah fired rockets at northern Israel.")
    assert {(e.source.code, e.target.code) for e in events} == {("LBNUAFHEZ", "ISR")}


def test_its_troops_as_subject_are_the_possessors_forces(extract):
    events = _events(extract, "Turkey said its troops had shelled Kurdish positions near Kobani.")
    assert {e.source.code for e in events if e.cameo_root == "19"} == {"TURMIL"}


def test_a_participle_read_as_the_subject_gives_way_to_its_own_subject(extract):
    events = _events(extract, "The Red Cross operating in Yemen said Saudi forces must allow aid convoys into Hodeidah.")
    assert {e.source.code[:3] for e in events} == {"NGO"}


def test_wanting_someone_to_act_is_an_appeal_to_them(extract):
    (e,) = _events(extract, "Washington wants Ankara to release the detained pastor.")
    assert (e.source.code, e.target.code, e.cameo[:2], e.modality) == ("USAGOV", "TURGOV", "02", "asserted")
    (e,) = _events(extract, "Turkey wants to strike Kurdish positions in Syria.")
    assert e.cameo_root == "19" and e.modality == "intended"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Kenya is opposed to Ugandan mediation in the talks.", ("KEN", "UGA", "126")),
        ("Turkey opposed the Swedish proposal.", ("TUR", "SWE", "127")),
        ("France opposed Russia.", ("FRA", "RUS", "110")),
    ],
)
def test_opposing_a_proposal_or_mediation_is_rejecting_it(extract, text, expected):
    assert expected in _dyads(_events(extract, text)), text


def test_a_possessor_with_no_of_phrase_undergoes_the_act(extract):
    assert not [e for e in _events(extract, "Hamas, which calls for Israel's destruction, won the vote.") if e.source and e.source.code == "ISR"]
    assert ("RUS", "UKR", "1712") in _dyads(_events(extract, "Russia's destruction of Mariupol shocked Europe."))


def test_a_countrys_ally_is_not_the_country(extract):
    events = _events(extract, "Houthi fighters killed a commander of Saudi Arabia's tribal allies in Marib.")
    assert "SAU" not in {e.target.code[:3] for e in events if e.target}


def test_handing_over_medicine_is_aid(extract):
    assert {e.cameo for e in _events(extract, "Turkish doctors handed over ten tons of medicine to the Libyan Red Crescent.")} == {"073"}


def test_preventing_a_protest_restricts_the_protesters(extract):
    events = _events(extract, "Kenyan police prevented the march organised by students in Nairobi.")
    assert ("KENCOP", "KENEDU", "1721") in _dyads(events)


def test_exploding_bombs_in_a_named_capital_is_a_bombing_there(extract):
    events = _events(extract, "Taliban fighters exploded several bombs in the capital Kabul.")
    assert {(e.target.code[:3], e.cameo) for e in events} == {("AFG", "183")}
    assert not _events(extract, "A bomb exploded near the market.")


def test_a_judge_investigating_a_countrys_officials_is_that_countrys(extract):
    events = _events(extract, "A judge opened a corruption investigation into Peruvian government ministers.")
    assert ("PERJUD", "PERGOV", "090") in _dyads(events)


def test_opening_an_embassy_somewhere_is_recognition_of_that_country(extract):
    events = _events(extract, "Chile opened an embassy in Canberra.")
    assert {(e.source.code, e.target.code[:3], e.cameo) for e in events} == {("CHL", "AUS", "054")}


def test_a_refusal_to_answer_a_demand_is_aimed_at_who_made_it(extract):
    (e,) = _events(extract, "The new premier refused to respond to a demand from the Brazilian president.")
    assert (e.target.code, e.cameo_root) == ("BRAGOV", "12")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Kenya agreed to Norwegian mediation in the border dispute.", ("KEN", "NOR", "038")),
        ("Armenia agreed to fresh talks with Azerbaijan.", ("ARM", "AZE", "036")),
    ],
)
def test_agreeing_to_a_named_act_is_aimed_at_its_other_side(extract, text, expected):
    assert _dyads(_events(extract, text)) == {expected}


@pytest.mark.parametrize(
    "text, absent",
    [
        ("Chile has sheltered the two officers since last year's Argentine invasion.", "19"),
        ("Talks resumed in Doha after the Israeli airstrike on Gaza.", "19"),
    ],
)
def test_an_earlier_act_that_dates_the_news_is_not_coded_again(extract, text, absent):
    assert all(e.cameo_root != absent for e in _events(extract, text))


def test_an_act_amid_the_news_is_still_coded(extract):
    assert any(e.cameo_root in ("18", "19") for e in _events(extract, "Talks resumed amid Russian shelling of Kharkiv."))


def test_a_place_inside_a_gerund_clause_is_not_where_the_phrase_is(extract):
    # the hackers are not in the United States: it is what their attacks would be aimed at
    events = _events(extract, "Iran has trained 300 hackers capable of launching attacks against the United States.")
    assert not any(e.target is not None and e.target.code == "USA" and e.cameo_root == "07" for e in events)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("NATO demanded the withdrawal of Belarusian troops from Moldova.", {("IGOWSTNAT", "BLRMIL", "1056")}),
        ("The African Union called for the withdrawal of Rwandan troops from Congo.", {("IGOAFRAFU", "RWAMIL", "0256")}),
        ("Kosovo Albanians demanded autonomy from Serbian authorities.", {("ALB", "SRBGOV", "100")}),
    ],
)
def test_a_call_for_an_act_is_addressed_to_whoever_would_do_it(extract, text, expected):
    assert _dyads(_events(extract, text)) == expected


@pytest.mark.parametrize(
    "text, code",
    [
        ("Jordan allowed 2,000 Syrian refugees to return home.", "081"),
        ("The Kenyan government allowed the opposition to hold rallies in Nairobi.", "082"),
    ],
)
def test_allowing_people_to_act_eases_restrictions_on_them(extract, text, code):
    assert code in {e.cameo for e in _events(extract, text)}


def test_launching_artillery_or_fire_at_someone_is_shelling_them(extract):
    events = _events(extract, "Ethiopian troops launched artillery and rocket fire against Eritrean rebel camps.")
    assert {(e.source.code, e.target.code, e.cameo_root) for e in events} == {("ETHMIL", "ERIREB", "19")}


def test_an_attack_on_a_shelter_is_aimed_at_the_people_it_is_for(extract):
    events = _events(extract, "A camp for Sudanese refugees was attacked by Chadian militiamen.")
    assert {(e.source.code, e.target.code, e.cameo_root) for e in events} == {("TCDUAF", "SDNREF", "19")}


def test_bare_congolese_is_the_democratic_republic(extract):
    (e,) = _events(extract, "Rwandan troops attacked Congolese soldiers near Goma.")
    assert e.target.code == "CODMIL"


def test_the_conflict_an_act_is_told_in_is_not_coded_again(extract):
    events = _events(extract, "Israeli troops killed two Hamas fighters in a raid during the Palestinian uprising.")
    assert all(e.cameo_root != "14" for e in events)


def test_a_when_clause_tells_where_the_act_happened(extract):
    events = _events(extract, "Two suicide bombers from Gaza killed 12 people when they blew themselves up in Haifa.")
    assert any(e.target is not None and e.target.code == "ISRCVL" and e.cameo_root == "18" for e in events)


@pytest.mark.parametrize(
    "text, code",
    [
        ("Syrian troops shot dead five protesters in Deraa.", "175"),
        ("Protesters attacked police stations in Cairo.", "190"),
    ],
)
def test_state_force_against_protesters_is_violent_repression(extract, text, code):
    assert code in {e.cameo[:3] for e in _events(extract, text)}


def test_a_place_on_a_countrys_border_is_beside_it_not_in_it(extract):
    events = _events(extract, "Burmese troops captured a rebel stronghold near the Thai border.")
    assert all(e.target is None or e.target.code[:3] != "THA" for e in events)
    (e,) = _events(extract, "Turkey massed troops along the Syrian border.")
    assert (e.source.code, e.target.code, e.cameo_root) == ("TUR", "SYR", "15")


@pytest.mark.parametrize(
    "text",
    [
        "The Houthis declared a unilateral truce in northern Yemen.",
        "Malian troops completed their withdrawal from the Malian town of Kidal.",
    ],
)
def test_yielding_in_a_place_at_home_is_aimed_at_no_one(extract, text):
    (e,) = _events(extract, text)
    assert e.cameo_root == "08" and e.target is None


def test_withdrawing_from_a_place_abroad_is_aimed_at_its_country(extract):
    (e,) = _events(extract, "Russian troops withdrew from Kherson.")
    assert (e.target.code, e.cameo) == ("UKR", "0874")

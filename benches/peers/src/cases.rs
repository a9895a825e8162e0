//! Random complete cases over the facts the encoded logic reads, from a seeded
//! generator written here (SplitMix64), so the cases are the same on every run.

/// A fact the encoded logic reads, and its values.
#[derive(Debug, Clone, Copy)]
pub enum Fact {
    Bool(&'static str),
    Enum(&'static str, &'static [&'static str]),
}

/// Every fact the rules, the decision and the duties' conditions of the national module
/// read (dates and the facts only partnership procedures read are not among them).
pub const FACTS: &[Fact] = &[
    Fact::Enum("abuse_or_neglect", &["known", "suspected", "not_suspected"]),
    Fact::Bool("child_died"),
    Fact::Bool("child_seriously_harmed"),
    Fact::Bool("child_looked_after"),
    Fact::Bool("on_child_protection_plan"),
    Fact::Enum(
        "incident_location",
        &["in_area", "elsewhere_in_england", "outside_england"],
    ),
    Fact::Bool("normally_resident_in_area"),
    Fact::Enum(
        "setting",
        &[
            "community",
            "childrens_home",
            "residential_setting",
            "police_custody",
            "custody",
            "young_offender_institution",
            "secure_training_centre",
            "secure_childrens_home",
            "mental_health_act_detention",
            "deprivation_of_liberty",
        ],
    ),
    Fact::Bool("highlights_improvements_needed"),
    Fact::Bool("highlights_recurrent_themes"),
    Fact::Bool("highlights_interagency_concerns"),
    Fact::Bool("panel_recommends_local_review"),
    Fact::Bool("single_agency_concern"),
    Fact::Bool("no_agency_involvement_concern"),
    Fact::Bool("multiple_areas_involved"),
    Fact::Bool("local_importance"),
    Fact::Bool("good_practice_learning"),
    Fact::Bool("near_miss"),
    Fact::Bool("local_review_undertaken"),
    Fact::Bool("educated_otherwise_than_at_school"),
    Fact::Bool("multiple_abuse_types"),
];

/// SplitMix64: a tiny, well-mixed 64-bit generator; enough for test cases.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (n > 0; the bias is negligible for the small n used here).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// One random case giving every fact of [`FACTS`], as the JSON text of a case file.
///
/// Uniform answers would almost never reach some outcomes (`criteria_not_met` needs a
/// serious case with none of the four criteria and none of the seven have-regard
/// circumstances: about 1 case in 2,500), so each case is drawn in one of three moods,
/// chosen uniformly: uniform; sparse (a yes/no fact is true 1 time in 8, an enum takes its
/// first value half the time); dense (a yes/no fact is true 7 times in 8).
pub fn random_case(rng: &mut Rng, id: usize) -> String {
    let mood = rng.below(3);
    let mut map = serde_json::Map::new();
    map.insert("case_id".into(), format!("random-{id}").into());
    for fact in FACTS {
        match *fact {
            Fact::Bool(name) => {
                let yes = match mood {
                    0 => rng.below(2) == 1,
                    1 => rng.below(8) == 0,
                    _ => rng.below(8) != 0,
                };
                map.insert(name.into(), yes.into());
            }
            Fact::Enum(name, values) => {
                let index = if mood == 1 && rng.below(2) == 0 {
                    0
                } else {
                    rng.below(values.len())
                };
                map.insert(name.into(), values[index].into());
            }
        }
    }
    serde_json::Value::Object(map).to_string()
}

/// `n` random cases from `seed`.
pub fn random_cases(seed: u64, n: usize) -> Vec<String> {
    let mut rng = Rng::new(seed);
    (0..n).map(|i| random_case(&mut rng, i)).collect()
}

/// Whether a case (JSON object) gives every fact of [`FACTS`].
pub fn is_complete(case: &serde_json::Value) -> bool {
    FACTS.iter().all(|f| {
        let name = match f {
            Fact::Bool(n) | Fact::Enum(n, _) => n,
        };
        case.get(name).is_some()
    })
}

// Short explanations of the terms the widgets show, where they are shown: a small "?" that
// reveals the text on hover or keyboard focus (CSS: .nba-help), and names the README section
// that says more (no link: the widgets work offline and the README ships with the package).
import { h } from "./dom";

const SECTIONS: Record<string, string> = {
  "how-columns-are-classified": "How columns are classified",
  "re-identification-risk-reid_risk": "Re-identification risk",
  "fairness-fairness": "Fairness",
  "differential-privacy-dp": "Differential privacy",
};

/** Term -> [one or two sentences, README section key]. */
export const GLOSSARY: Record<string, [string, string]> = {
  confidence: ["How sure the scan is that the column holds this entity: the share of sampled values that matched, raised when a validator (check digits) or the header agrees. 0.3 means only the header spoke (possible PII).", "how-columns-are-classified"],
  level: ["Sensitivity of the column: high (direct identifiers, special categories), medium (quasi-identifiers), low (unverified or weak signals).", "how-columns-are-classified"],
  role: ["identifier: singles a person out alone; quasi-identifier: does so combined with others (age, postcode, sex); sensitive: special-category data; none: nothing found.", "how-columns-are-classified"],
  k: ["k-anonymity: the size of the smallest group of records that share the same quasi-identifier values. k = 1 means someone is unique.", "re-identification-risk-reid_risk"],
  l: ["l-diversity: the fewest distinct sensitive values in any such group. l = 1 means everyone in some group shares the sensitive value.", "re-identification-risk-reid_risk"],
  t: ["t-closeness: the largest distance between the sensitive values of a group and of the whole table (0 = the same distribution).", "re-identification-risk-reid_risk"],
  prosecutor: ["Prosecutor risk: the attacker knows the person is in the table; risk = 1 / size of the person's group.", "re-identification-risk-reid_risk"],
  journalist: ["Journalist risk: the attacker does not know who is in the table and matches against the population (needs the population size).", "re-identification-risk-reid_risk"],
  marketer: ["Marketer risk: the share of records an attacker who re-identifies everyone at once gets right, on average.", "re-identification-risk-reid_risk"],
  info_loss: ["Information loss: how much detail the generalization removes, from 0% (data as is) to 100% (every value suppressed), by the named metric.", "re-identification-risk-reid_risk"],
  demographic_parity_difference: ["Largest gap in selection rate (share of positive decisions) between groups; 0 is parity.", "fairness-fairness"],
  demographic_parity_ratio: ["Smallest selection rate divided by the largest; 1 is parity.", "fairness-fairness"],
  disparate_impact: ["The selection-rate ratio against the 4/5 rule: below 0.8 suggests adverse impact.", "fairness-fairness"],
  equal_opportunity_difference: ["Largest gap in true positive rate between groups: of those who should get a positive outcome, how many do.", "fairness-fairness"],
  equalized_odds_difference: ["The larger of the gaps in true positive rate and in false positive rate between groups.", "fairness-fairness"],
  equalized_odds_ratio: ["The smaller of the ratios of true positive rates and of false positive rates between groups.", "fairness-fairness"],
  disparate_impact_ratio: ["The selection-rate ratio against the 4/5 rule: below 0.8 suggests adverse impact.", "fairness-fairness"],
  selection_rate: ["Share of the group given the positive decision.", "fairness-fairness"],
  true_positive_rate: ["Of the group's actual positives, the share the model decides positive (its denominator: the positives).", "fairness-fairness"],
  false_positive_rate: ["Of the group's actual negatives, the share the model wrongly decides positive (its denominator: the negatives).", "fairness-fairness"],
  false_negative_rate: ["Of the group's actual positives, the share the model misses (ProPublica's headline figure for COMPAS).", "fairness-fairness"],
  wilson_interval: ["A 95% interval for a rate that stays honest on few counts: never zero width.", "fairness-fairness"],
  bootstrap: ["A 95% interval from resampling the rows 1,000 times; at small counts it can collapse to a point, so the Wilson interval is shown beside it.", "fairness-fairness"],
  epsilon: ["The privacy budget of a release: smaller epsilon, more noise, stronger guarantee.", "differential-privacy-dp"],
  half_width: ["95% of releases fall within this distance of the true value (from the mechanism's noise scale, not from the data).", "differential-privacy-dp"],
};

/** A "?" badge explaining `term` (unknown terms give nothing). */
export function help(term: string): HTMLElement | null {
  const entry = GLOSSARY[term];
  if (!entry) return null;
  const [text, anchor] = entry;
  return h(
    "span",
    { class: "nba-help", tabindex: 0, role: "note", "aria-label": text, "data-help": term },
    "?",
    h("span", { class: "nba-help-text" }, `${text} (README: ${SECTIONS[anchor] ?? anchor})`),
  );
}

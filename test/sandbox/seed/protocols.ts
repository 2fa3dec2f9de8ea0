/** A treatment protocol (clinical guideline) as `protocols/v1/search` returns it. */
export interface Protocol {
  title: string;
  url: string;
  source_url: string;
  type: 'image' | 'pdf';
  author: string;
  publisher: string;
  publication_year: number;
  conditions: string[];
  tags: string[];
}

const P = (
  publisher: string,
  author: string,
  year: number,
  title: string,
  tags: string[],
  conditions: string[],
  type: 'image' | 'pdf' = 'pdf',
): Protocol => {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return {
    title,
    url: `https://protocols.sandbox.example/${publisher.toLowerCase()}/${slug}.${type === 'pdf' ? 'pdf' : 'png'}`,
    source_url: `https://guidelines.sandbox.example/${publisher.toLowerCase()}/${slug}`,
    type,
    author,
    publisher,
    publication_year: year,
    conditions,
    tags,
  };
};

/** Synthetic references to Indian clinical guidelines (ICMR, RSSDI, IAP, CSI, FOGSI, NTEP and others). */
export const PROTOCOLS: Protocol[] = [
  P(
    'ICMR',
    'Indian Council of Medical Research',
    2018,
    'Management of Type 2 Diabetes',
    ['diabetes'],
    ['type 2 diabetes mellitus'],
  ),
  P(
    'RSSDI',
    'Research Society for the Study of Diabetes in India',
    2022,
    'RSSDI Clinical Practice Recommendations for Type 2 Diabetes',
    ['diabetes'],
    ['type 2 diabetes mellitus', 'prediabetes'],
  ),
  P(
    'RSSDI',
    'Research Society for the Study of Diabetes in India',
    2021,
    'Insulin Initiation and Titration',
    ['diabetes', 'insulin'],
    ['type 2 diabetes mellitus', 'hyperglycaemia'],
    'image',
  ),
  P(
    'RSSDI',
    'Research Society for the Study of Diabetes in India',
    2020,
    'Diabetes in Pregnancy',
    ['diabetes', 'pregnancy'],
    ['gestational diabetes mellitus'],
  ),
  P(
    'ICMR',
    'Indian Council of Medical Research',
    2019,
    'Standard Treatment Workflow: Hypertension',
    ['hypertension', 'cardiology'],
    ['essential hypertension'],
    'image',
  ),
  P(
    'CSI',
    'Cardiological Society of India',
    2019,
    'CSI Position Statement on Management of Hypertension',
    ['hypertension', 'cardiology'],
    ['essential hypertension', 'hypertensive urgency'],
  ),
  P(
    'CSI',
    'Cardiological Society of India',
    2020,
    'Management of Dyslipidaemia in Indians',
    ['dyslipidaemia', 'cardiology'],
    ['hypercholesterolaemia', 'dyslipidaemia'],
  ),
  P(
    'ICMR',
    'Indian Council of Medical Research',
    2019,
    'Standard Treatment Workflow: Acute Coronary Syndrome',
    ['cardiology'],
    ['acute coronary syndrome', 'myocardial infarction'],
    'image',
  ),
  P(
    'NTEP',
    'National TB Elimination Programme',
    2021,
    'Guidelines for Programmatic Management of TB',
    ['tuberculosis', 'infectious disease'],
    ['pulmonary tuberculosis', 'drug-resistant tuberculosis'],
  ),
  P(
    'ICMR',
    'Indian Council of Medical Research',
    2022,
    'Treatment Guidelines for Antimicrobial Use in Common Syndromes',
    ['antimicrobial', 'infectious disease'],
    ['community-acquired pneumonia', 'urinary tract infection', 'sepsis'],
  ),
  P(
    'ICMR',
    'Indian Council of Medical Research',
    2019,
    'Standard Treatment Workflow: Dengue',
    ['infectious disease', 'fever'],
    ['dengue fever', 'dengue haemorrhagic fever'],
    'image',
  ),
  P(
    'NCVBDC',
    'National Center for Vector Borne Diseases Control',
    2014,
    'National Guidelines for Diagnosis and Treatment of Malaria',
    ['infectious disease', 'fever'],
    ['malaria', 'plasmodium falciparum malaria'],
  ),
  P(
    'IAP',
    'Indian Academy of Pediatrics',
    2023,
    'IAP Guidelines on Acute Diarrhoea in Children',
    ['paediatrics', 'gastroenterology'],
    ['acute diarrhoea', 'dehydration'],
  ),
  P(
    'IAP',
    'Indian Academy of Pediatrics',
    2024,
    'IAP Immunization Schedule',
    ['paediatrics', 'vaccination'],
    ['immunization'],
  ),
  P(
    'IAP',
    'Indian Academy of Pediatrics',
    2022,
    'Management of Childhood Asthma',
    ['paediatrics', 'asthma', 'respiratory'],
    ['bronchial asthma'],
    'image',
  ),
  P(
    'FOGSI',
    'Federation of Obstetric and Gynaecological Societies of India',
    2021,
    'Management of Anaemia in Pregnancy',
    ['pregnancy', 'anaemia'],
    ['iron deficiency anaemia', 'anaemia in pregnancy'],
  ),
  P(
    'FOGSI',
    'Federation of Obstetric and Gynaecological Societies of India',
    2019,
    'Hypertensive Disorders in Pregnancy',
    ['pregnancy', 'hypertension'],
    ['pre-eclampsia', 'gestational hypertension'],
  ),
  P(
    'FOGSI',
    'Federation of Obstetric and Gynaecological Societies of India',
    2020,
    'Polycystic Ovary Syndrome',
    ['gynaecology'],
    ['polycystic ovary syndrome'],
  ),
  P(
    'ICS',
    'Indian Chest Society',
    2022,
    'Guidelines for Diagnosis and Management of Asthma',
    ['asthma', 'respiratory'],
    ['bronchial asthma'],
  ),
  P(
    'ICS',
    'Indian Chest Society',
    2020,
    'Management of COPD',
    ['respiratory'],
    ['chronic obstructive pulmonary disease'],
  ),
  P(
    'ISN',
    'Indian Society of Nephrology',
    2020,
    'Chronic Kidney Disease: Detection and Management',
    ['nephrology', 'diabetes'],
    ['chronic kidney disease', 'diabetic nephropathy'],
  ),
  P(
    'ITS',
    'Indian Thyroid Society',
    2021,
    'Management of Hypothyroidism',
    ['thyroid', 'endocrinology'],
    ['hypothyroidism', 'subclinical hypothyroidism'],
  ),
  P(
    'IPS',
    'Indian Psychiatric Society',
    2017,
    'Clinical Practice Guidelines for Depression',
    ['psychiatry'],
    ['depression', 'major depressive disorder'],
  ),
  P(
    'ICMR',
    'Indian Council of Medical Research',
    2019,
    'Standard Treatment Workflow: Snake Bite',
    ['emergency', 'toxicology'],
    ['snake bite envenomation'],
    'image',
  ),
];

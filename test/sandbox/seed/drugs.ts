import { createRandom } from './random';

/** A branded drug as `medications/v1/search` returns it. */
export interface BrandedDrug {
  name: string;
  generic_name: string;
  manufacturer_name: string;
  product_type: string;
  form: string;
  volume: string;
}

/** Generic, a brand stem, and the forms with their strengths. */
const GENERICS: [string, string, [string, string][]][] = [
  [
    'Paracetamol',
    'Para',
    [
      ['Tablet', '500 mg'],
      ['Tablet', '650 mg'],
      ['Syrup', '60 ml'],
      ['Drops', '15 ml'],
    ],
  ],
  [
    'Ibuprofen',
    'Ibu',
    [
      ['Tablet', '400 mg'],
      ['Suspension', '60 ml'],
    ],
  ],
  [
    'Amoxicillin',
    'Amox',
    [
      ['Capsule', '500 mg'],
      ['Dry Syrup', '30 ml'],
    ],
  ],
  [
    'Amoxicillin + Clavulanic Acid',
    'Clavam',
    [
      ['Tablet', '625 mg'],
      ['Dry Syrup', '30 ml'],
    ],
  ],
  [
    'Azithromycin',
    'Azi',
    [
      ['Tablet', '500 mg'],
      ['Suspension', '15 ml'],
    ],
  ],
  [
    'Cefixime',
    'Cefi',
    [
      ['Tablet', '200 mg'],
      ['Dry Syrup', '30 ml'],
    ],
  ],
  ['Ciprofloxacin', 'Cipro', [['Tablet', '500 mg']]],
  ['Doxycycline', 'Doxy', [['Capsule', '100 mg']]],
  [
    'Metformin',
    'Glyco',
    [
      ['Tablet', '500 mg'],
      ['Tablet SR', '1000 mg'],
    ],
  ],
  [
    'Glimepiride',
    'Glim',
    [
      ['Tablet', '1 mg'],
      ['Tablet', '2 mg'],
    ],
  ],
  ['Sitagliptin', 'Sita', [['Tablet', '100 mg']]],
  ['Teneligliptin', 'Tenel', [['Tablet', '20 mg']]],
  ['Insulin Glargine', 'Glar', [['Injection', '3 ml']]],
  [
    'Amlodipine',
    'Amlo',
    [
      ['Tablet', '5 mg'],
      ['Tablet', '10 mg'],
    ],
  ],
  [
    'Telmisartan',
    'Telmi',
    [
      ['Tablet', '40 mg'],
      ['Tablet', '80 mg'],
    ],
  ],
  ['Losartan', 'Losar', [['Tablet', '50 mg']]],
  [
    'Metoprolol',
    'Meto',
    [
      ['Tablet ER', '25 mg'],
      ['Tablet ER', '50 mg'],
    ],
  ],
  [
    'Atorvastatin',
    'Atorva',
    [
      ['Tablet', '10 mg'],
      ['Tablet', '20 mg'],
    ],
  ],
  ['Rosuvastatin', 'Rosu', [['Tablet', '10 mg']]],
  ['Aspirin', 'Ecos', [['Tablet', '75 mg']]],
  ['Clopidogrel', 'Clopi', [['Tablet', '75 mg']]],
  [
    'Pantoprazole',
    'Panto',
    [
      ['Tablet', '40 mg'],
      ['Injection', '40 mg'],
    ],
  ],
  ['Omeprazole', 'Omez', [['Capsule', '20 mg']]],
  [
    'Ondansetron',
    'Onda',
    [
      ['Tablet', '4 mg'],
      ['Syrup', '30 ml'],
    ],
  ],
  ['Domperidone', 'Dompi', [['Tablet', '10 mg']]],
  [
    'Cetirizine',
    'Ceti',
    [
      ['Tablet', '10 mg'],
      ['Syrup', '30 ml'],
    ],
  ],
  ['Levocetirizine', 'Levo', [['Tablet', '5 mg']]],
  ['Montelukast', 'Monte', [['Tablet', '10 mg']]],
  [
    'Salbutamol',
    'Salbu',
    [
      ['Inhaler', '200 doses'],
      ['Syrup', '100 ml'],
    ],
  ],
  ['Budesonide', 'Budez', [['Respules', '2 ml']]],
  [
    'Levothyroxine',
    'Thyro',
    [
      ['Tablet', '50 mcg'],
      ['Tablet', '100 mcg'],
    ],
  ],
  [
    'Iron + Folic Acid',
    'Ferro',
    [
      ['Tablet', '100 mg'],
      ['Syrup', '150 ml'],
    ],
  ],
  ['Calcium + Vitamin D3', 'Calci', [['Tablet', '500 mg']]],
  [
    'Vitamin B12',
    'Cobal',
    [
      ['Tablet', '1500 mcg'],
      ['Injection', '1 ml'],
    ],
  ],
  ['Oral Rehydration Salts', 'Electro', [['Sachet', '21 g']]],
  [
    'Albendazole',
    'Alben',
    [
      ['Tablet', '400 mg'],
      ['Suspension', '10 ml'],
    ],
  ],
  [
    'Diclofenac',
    'Diclo',
    [
      ['Tablet', '50 mg'],
      ['Gel', '30 g'],
    ],
  ],
  ['Prednisolone', 'Predni', [['Tablet', '10 mg']]],
  ['Sertraline', 'Serta', [['Tablet', '50 mg']]],
  ['Metronidazole', 'Metro', [['Tablet', '400 mg']]],
  ['Hydroxychloroquine', 'Hcq', [['Tablet', '200 mg']]],
  ['Isoniazid + Rifampicin', 'Rifa', [['Tablet', '450 mg']]],
];

const SUFFIXES = ['zen', 'cip', 'max', 'nova', 'vin', 'tas', 'dol', 'kem', 'lin', 'sure'];
const MANUFACTURERS = [
  'Sahyadri Remedies',
  'Narmada Lifesciences',
  'Kaveri Pharma',
  'Himalaya Valley Labs',
  'Deccan Therapeutics',
  'Ganga Healthcare',
  'Malabar Formulations',
  'Aravalli Biotech',
];

/** A few hundred synthetic Indian branded drugs (generics × brands × forms), deterministic. */
export function seedDrugs(): BrandedDrug[] {
  const random = createRandom(650);
  const drugs: BrandedDrug[] = [];
  for (const [generic, stem, forms] of GENERICS) {
    const brands = new Set<string>();
    while (brands.size < 5) brands.add(`${stem}${random.pick(SUFFIXES)}`);
    for (const brand of brands) {
      const manufacturer = random.pick(MANUFACTURERS);
      for (const [form, volume] of forms) {
        const strength = /mg|mcg/.test(volume) ? ` ${volume.replace(' ', '')}` : '';
        drugs.push({
          name: `${brand}${strength} ${form}`,
          generic_name: generic,
          manufacturer_name: manufacturer,
          product_type: form,
          form: form.toLowerCase(),
          volume,
        });
      }
    }
  }
  return drugs;
}

/**
 * The demo patients' names and genders, one entry per patient: every name is different (two members of one group
 * never share a name, which the group notes' name redaction and the rosters would make confusing) and each gender
 * fits its name (Adelina is a woman). The first twenty keep the names the demo always had.
 */

export interface DemoPatientName {
  given: string;
  family: string;
  gender: 'female' | 'male' | 'other';
}

const NAMES: readonly DemoPatientName[] = [
  { given: 'Adelina', family: 'Walker', gender: 'female' },
  { given: 'Adrian', family: 'Parisian', gender: 'male' },
  { given: 'Ariel', family: 'Schumm', gender: 'female' },
  { given: 'Charlotte', family: 'OHara', gender: 'female' },
  { given: 'Cyril', family: 'Cole', gender: 'male' },
  { given: 'Dee', family: 'Garcia', gender: 'female' },
  { given: 'Gail', family: 'Kowalski', gender: 'female' },
  { given: 'Gerald', family: 'Smith', gender: 'male' },
  { given: 'Graig', family: 'Koepp', gender: 'male' },
  { given: 'Jarvis', family: 'Murazik', gender: 'male' },
  { given: 'Kitty', family: 'Lemke', gender: 'female' },
  { given: 'Loriann', family: 'Fisher', gender: 'female' },
  { given: 'Maegan', family: 'Okafor', gender: 'female' },
  { given: 'Natalia', family: 'Silva', gender: 'female' },
  { given: 'Omar', family: 'Schmitt', gender: 'male' },
  { given: 'Priya', family: 'Boehm', gender: 'female' },
  { given: 'Quinn', family: 'Tremblay', gender: 'other' },
  { given: 'Rosa', family: 'Torp', gender: 'female' },
  { given: 'Sam', family: 'Nguyen', gender: 'male' },
  { given: 'Tomas', family: 'Haddad', gender: 'male' },
  { given: 'Beatriz', family: 'Alvarez', gender: 'female' },
  { given: 'Dmitri', family: 'Petrov', gender: 'male' },
  { given: 'Elena', family: 'Rossi', gender: 'female' },
  { given: 'Farid', family: 'Rahimi', gender: 'male' },
  { given: 'Hana', family: 'Sato', gender: 'female' },
  { given: 'Ivan', family: 'Novak', gender: 'male' },
  { given: 'Joelle', family: 'Laurent', gender: 'female' },
  { given: 'Kofi', family: 'Mensah', gender: 'male' },
  { given: 'Lena', family: 'Berg', gender: 'female' },
  { given: 'Marcus', family: 'Bell', gender: 'male' },
];

/** The name of demo patient `index` (0-based); the list holds one per demo patient. */
export function demoPatientName(index: number): DemoPatientName {
  const name = NAMES[index];
  if (!name) throw new Error(`no demo patient name for index ${index}: add one to demo-patient-names.ts`);
  return name;
}

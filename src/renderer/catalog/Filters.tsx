// The record filter form: center, class, sex, age range and record-name text.
import { useState } from 'react';
import { CLASSES } from '../../shared/classes.js';
import type { RecordFilterInput } from '../../shared/api.js';

export function Filters({ centers, onApply }: { centers: string[]; onApply: (f: RecordFilterInput) => void }) {
  const [center, setCenter] = useState('');
  const [cls, setCls] = useState('');
  const [sex, setSex] = useState('');
  const [ageMin, setAgeMin] = useState('');
  const [ageMax, setAgeMax] = useState('');
  const [text, setText] = useState('');

  const apply = () => {
    const f: RecordFilterInput = {};
    if (center) f.centers = [center];
    if (cls) f.classes = [cls];
    if (sex === 'M' || sex === 'F') f.sex = sex;
    if (ageMin !== '') f.ageMin = Number(ageMin);
    if (ageMax !== '') f.ageMax = Number(ageMax);
    if (text.trim()) f.text = text.trim();
    onApply(f);
  };

  return (
    <form
      className="filters"
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
    >
      <label>
        Center
        <select value={center} onChange={(e) => setCenter(e.target.value)} data-testid="filter-center">
          <option value="">all</option>
          {centers.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </label>
      <label>
        Class
        <select value={cls} onChange={(e) => setCls(e.target.value)} data-testid="filter-class">
          <option value="">any</option>
          {CLASSES.map((c) => (
            <option key={c.abbreviation} value={c.abbreviation} title={c.name}>
              {c.abbreviation} – {c.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Sex
        <select value={sex} onChange={(e) => setSex(e.target.value)} data-testid="filter-sex">
          <option value="">any</option>
          <option value="F">F</option>
          <option value="M">M</option>
        </select>
      </label>
      <label>
        Age
        <input type="number" min={0} max={150} value={ageMin} onChange={(e) => setAgeMin(e.target.value)} placeholder="min" data-testid="filter-age-min" />
        –
        <input type="number" min={0} max={150} value={ageMax} onChange={(e) => setAgeMax(e.target.value)} placeholder="max" data-testid="filter-age-max" />
      </label>
      <label>
        Record
        <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="name contains" data-testid="filter-text" />
      </label>
      <button type="submit" data-testid="filter-apply">
        Apply
      </button>
    </form>
  );
}

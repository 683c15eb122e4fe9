/**
 * Static catalogues of the demo warehouse: countries (with the facts the generator needs to make users
 * look local), fake-name pools, assets, markets, products, taste clusters and the fee schedule. Kept as
 * data, apart from the generation logic, so the semantic layer and tests can read the same catalogue.
 */
import type { Chain } from './addresses.js';

/** A country users come from, with the facts that make its users look local. */
export interface Country {
  /** ISO-3166 alpha-2. */
  readonly code: string;
  readonly name: string;
  /** Relative share of users. */
  readonly weight: number;
  /** E.164 calling code without '+'. */
  readonly callingCode: string;
  /** Digits of a national mobile number. */
  readonly phoneDigits: number;
  /** Hours from UTC (standard time; daylight saving is ignored on purpose, it only shifts seasonality). */
  readonly utcOffset: number;
  /** Key of {@link NAME_GROUPS}. */
  readonly names: string;
  readonly cities: readonly string[];
  /** Postal code pattern: '#' a digit, 'A' a letter. */
  readonly postal: string;
  /** Probability that a KYC review is approved (level 2; level 1 is higher, level 3 lower). */
  readonly kycApproval: number;
  /** Extra interest in taste clusters (multipliers). */
  readonly taste?: Readonly<Partial<Record<Cluster, number>>>;
  /** Share of stablecoin deposits that go over tron (cheap USDT rails are popular in some markets). */
  readonly tronShare: number;
  /** Local e-mail domains used next to the global ones. */
  readonly emailDomains?: readonly string[];
}

/** Taste clusters of assets: users trade and look at assets mostly within one or two clusters. */
export type Cluster = 'majors' | 'legacy' | 'l1' | 'l2' | 'meme' | 'defi' | 'stable';

/** Every cluster except stablecoins (which nobody "likes", they are the quote currency). */
export const TASTE_CLUSTERS: readonly Cluster[] = ['majors', 'legacy', 'l1', 'l2', 'meme', 'defi'];

/** Base interest in each taste cluster, before country taste. */
export const CLUSTER_WEIGHTS: Readonly<Record<Cluster, number>> = {
  majors: 0.3,
  legacy: 0.16,
  l1: 0.2,
  l2: 0.08,
  meme: 0.16,
  defi: 0.1,
  stable: 0,
};

/** About fifty countries; weights give the user mix of a global exchange with strong emerging markets. */
export const COUNTRIES: readonly Country[] = [
  country('TR', 'Türkiye', 7, '90', 10, 3, 'turkish', ['Istanbul', 'Ankara', 'Izmir', 'Bursa'], '#####', 0.86, 0.55, { meme: 1.9, legacy: 1.3 }, ['hotmail.com']),
  country('NG', 'Nigeria', 5.5, '234', 10, 1, 'nigerian', ['Lagos', 'Abuja', 'Port Harcourt', 'Ibadan'], '######', 0.72, 0.7, { meme: 1.4, majors: 1.2 }),
  country('BR', 'Brazil', 5.5, '55', 11, -3, 'portuguese', ['São Paulo', 'Rio de Janeiro', 'Belo Horizonte', 'Curitiba'], '#####-###', 0.88, 0.35, { l1: 1.3 }, ['uol.com.br', 'bol.com.br']),
  country('US', 'United States', 6, '1', 10, -5, 'anglo', ['New York', 'Austin', 'Miami', 'Chicago', 'San Francisco'], '#####', 0.91, 0.1, { l1: 1.3, defi: 1.4 }),
  country('GB', 'United Kingdom', 4, '44', 10, 0, 'anglo', ['London', 'Manchester', 'Birmingham', 'Leeds'], 'AA# #AA', 0.93, 0.1, { defi: 1.2 }, ['btinternet.com']),
  country('DE', 'Germany', 3.5, '49', 11, 1, 'german', ['Berlin', 'Munich', 'Hamburg', 'Cologne'], '#####', 0.94, 0.1, { defi: 1.4, l2: 1.4 }, ['gmx.de', 'web.de']),
  country('IN', 'India', 6, '91', 10, 5.5, 'indian', ['Mumbai', 'Bengaluru', 'Delhi', 'Hyderabad', 'Pune'], '######', 0.84, 0.3, { meme: 1.3, legacy: 1.2 }, ['rediffmail.com']),
  country('VN', 'Vietnam', 4.5, '84', 9, 7, 'vietnamese', ['Ho Chi Minh City', 'Hanoi', 'Da Nang', 'Hai Phong'], '######', 0.83, 0.5, { meme: 1.5, l1: 1.2 }),
  country('ID', 'Indonesia', 3.5, '62', 11, 7, 'indonesian', ['Jakarta', 'Surabaya', 'Bandung', 'Medan'], '#####', 0.85, 0.4, { meme: 1.3 }),
  country('PH', 'Philippines', 2.5, '63', 10, 8, 'filipino', ['Manila', 'Quezon City', 'Cebu City', 'Davao'], '####', 0.82, 0.45, { legacy: 1.3, meme: 1.2 }),
  country('RU', 'Russia', 2.5, '7', 10, 3, 'russian', ['Moscow', 'Saint Petersburg', 'Novosibirsk', 'Kazan'], '######', 0.8, 0.6, { majors: 1.2 }, ['mail.ru', 'yandex.ru']),
  country('UA', 'Ukraine', 2.5, '380', 9, 2, 'ukrainian', ['Kyiv', 'Lviv', 'Odesa', 'Kharkiv'], '#####', 0.85, 0.6, { l1: 1.2 }, ['ukr.net']),
  country('FR', 'France', 2.5, '33', 9, 1, 'french', ['Paris', 'Lyon', 'Marseille', 'Toulouse'], '#####', 0.93, 0.1, { defi: 1.2 }, ['orange.fr', 'free.fr']),
  country('IT', 'Italy', 2, '39', 10, 1, 'italian', ['Rome', 'Milan', 'Naples', 'Turin'], '#####', 0.92, 0.1, {}, ['libero.it']),
  country('ES', 'Spain', 2, '34', 9, 1, 'spanish', ['Madrid', 'Barcelona', 'Valencia', 'Seville'], '#####', 0.93, 0.1, {}),
  country('MX', 'Mexico', 2, '52', 10, -6, 'spanish', ['Mexico City', 'Guadalajara', 'Monterrey', 'Puebla'], '#####', 0.85, 0.3, { meme: 1.2 }),
  country('AR', 'Argentina', 2.5, '54', 10, -3, 'spanish', ['Buenos Aires', 'Córdoba', 'Rosario', 'Mendoza'], 'A####AAA', 0.86, 0.4, { majors: 1.3 }),
  country('CO', 'Colombia', 1.5, '57', 10, -5, 'spanish', ['Bogotá', 'Medellín', 'Cali', 'Barranquilla'], '######', 0.84, 0.35, {}),
  country('CL', 'Chile', 0.8, '56', 9, -4, 'spanish', ['Santiago', 'Valparaíso', 'Concepción'], '#######', 0.9, 0.2, {}),
  country('PE', 'Peru', 0.8, '51', 9, -5, 'spanish', ['Lima', 'Arequipa', 'Trujillo'], '#####', 0.85, 0.3, {}),
  country('VE', 'Venezuela', 1, '58', 10, -4, 'spanish', ['Caracas', 'Maracaibo', 'Valencia'], '####', 0.7, 0.65, { majors: 1.2 }),
  country('KR', 'South Korea', 2, '82', 10, 9, 'korean', ['Seoul', 'Busan', 'Incheon', 'Daegu'], '#####', 0.92, 0.1, { legacy: 2.2 }, ['naver.com', 'daum.net']),
  country('JP', 'Japan', 1.5, '81', 10, 9, 'japanese', ['Tokyo', 'Osaka', 'Yokohama', 'Nagoya'], '###-####', 0.94, 0.1, { legacy: 1.8 }, ['yahoo.co.jp']),
  country('HK', 'Hong Kong', 0.8, '852', 8, 8, 'chinese', ['Hong Kong', 'Kowloon'], '', 0.92, 0.3, { majors: 1.2 }),
  country('TW', 'Taiwan', 0.8, '886', 9, 8, 'chinese', ['Taipei', 'Kaohsiung', 'Taichung'], '###', 0.93, 0.2, {}),
  country('SG', 'Singapore', 0.8, '65', 8, 8, 'chinese', ['Singapore'], '######', 0.95, 0.15, { defi: 1.3 }),
  country('TH', 'Thailand', 1.5, '66', 9, 7, 'thai', ['Bangkok', 'Chiang Mai', 'Phuket'], '#####', 0.88, 0.3, { meme: 1.2 }),
  country('MY', 'Malaysia', 1.2, '60', 9, 8, 'indonesian', ['Kuala Lumpur', 'Penang', 'Johor Bahru'], '#####', 0.89, 0.3, {}),
  country('PK', 'Pakistan', 2, '92', 10, 5, 'pakistani', ['Karachi', 'Lahore', 'Islamabad', 'Faisalabad'], '#####', 0.75, 0.6, { meme: 1.3 }),
  country('BD', 'Bangladesh', 1, '880', 10, 6, 'bengali', ['Dhaka', 'Chittagong', 'Khulna'], '####', 0.76, 0.6, {}),
  country('EG', 'Egypt', 1.2, '20', 10, 2, 'arabic', ['Cairo', 'Alexandria', 'Giza'], '#####', 0.78, 0.55, {}),
  country('MA', 'Morocco', 0.8, '212', 9, 1, 'arabic', ['Casablanca', 'Rabat', 'Marrakesh'], '#####', 0.8, 0.5, {}),
  country('ZA', 'South Africa', 1.2, '27', 9, 2, 'southafrican', ['Johannesburg', 'Cape Town', 'Durban', 'Pretoria'], '####', 0.87, 0.3, {}),
  country('KE', 'Kenya', 1.2, '254', 9, 3, 'kenyan', ['Nairobi', 'Mombasa', 'Kisumu'], '#####', 0.78, 0.6, {}),
  country('GH', 'Ghana', 0.8, '233', 9, 0, 'ghanaian', ['Accra', 'Kumasi', 'Tamale'], 'AA-###-####', 0.79, 0.6, {}),
  country('AE', 'United Arab Emirates', 1.2, '971', 9, 4, 'arabic', ['Dubai', 'Abu Dhabi', 'Sharjah'], '', 0.9, 0.3, { majors: 1.3 }),
  country('SA', 'Saudi Arabia', 0.8, '966', 9, 3, 'arabic', ['Riyadh', 'Jeddah', 'Dammam'], '#####', 0.86, 0.3, {}),
  country('PL', 'Poland', 1.2, '48', 9, 1, 'polish', ['Warsaw', 'Kraków', 'Wrocław', 'Gdańsk'], '##-###', 0.93, 0.15, {}, ['wp.pl', 'onet.pl']),
  country('NL', 'Netherlands', 1.2, '31', 9, 1, 'dutch', ['Amsterdam', 'Rotterdam', 'Utrecht', 'The Hague'], '#### AA', 0.94, 0.1, { defi: 1.3, l2: 1.3 }),
  country('BE', 'Belgium', 0.5, '32', 9, 1, 'dutch', ['Brussels', 'Antwerp', 'Ghent'], '####', 0.94, 0.1, {}),
  country('CH', 'Switzerland', 0.6, '41', 9, 1, 'german', ['Zurich', 'Geneva', 'Basel'], '####', 0.95, 0.1, { defi: 1.3 }),
  country('AT', 'Austria', 0.5, '43', 10, 1, 'german', ['Vienna', 'Graz', 'Linz'], '####', 0.94, 0.1, {}),
  country('SE', 'Sweden', 0.6, '46', 9, 1, 'nordic', ['Stockholm', 'Gothenburg', 'Malmö'], '### ##', 0.95, 0.1, { l2: 1.2 }),
  country('PT', 'Portugal', 0.6, '351', 9, 0, 'portuguese', ['Lisbon', 'Porto', 'Braga'], '####-###', 0.93, 0.1, {}, ['sapo.pt']),
  country('CZ', 'Czechia', 0.5, '420', 9, 1, 'polish', ['Prague', 'Brno', 'Ostrava'], '### ##', 0.93, 0.1, {}, ['seznam.cz']),
  country('RO', 'Romania', 0.7, '40', 9, 2, 'romanian', ['Bucharest', 'Cluj-Napoca', 'Iași'], '######', 0.9, 0.2, {}),
  country('BG', 'Bulgaria', 0.4, '359', 9, 2, 'bulgarian', ['Sofia', 'Plovdiv', 'Varna'], '####', 0.88, 0.2, {}, ['abv.bg']),
  country('CA', 'Canada', 1.5, '1', 10, -5, 'anglo', ['Toronto', 'Vancouver', 'Montreal', 'Calgary'], 'A#A #A#', 0.93, 0.1, { defi: 1.2 }),
  country('AU', 'Australia', 1.3, '61', 9, 10, 'anglo', ['Sydney', 'Melbourne', 'Brisbane', 'Perth'], '####', 0.94, 0.1, { l1: 1.2 }, ['bigpond.com']),
  country('NZ', 'New Zealand', 0.3, '64', 9, 12, 'anglo', ['Auckland', 'Wellington', 'Christchurch'], '####', 0.95, 0.1, {}),
  country('IE', 'Ireland', 0.3, '353', 9, 0, 'anglo', ['Dublin', 'Cork', 'Galway'], 'A## A#A#', 0.94, 0.1, {}),
  country('IL', 'Israel', 0.5, '972', 9, 2, 'hebrew', ['Tel Aviv', 'Jerusalem', 'Haifa'], '#######', 0.92, 0.1, { defi: 1.3 }),
  country('KZ', 'Kazakhstan', 0.6, '7', 10, 5, 'russian', ['Almaty', 'Astana', 'Shymkent'], '######', 0.82, 0.55, {}, ['mail.ru']),
];

function country(
  code: string,
  name: string,
  weight: number,
  callingCode: string,
  phoneDigits: number,
  utcOffset: number,
  names: string,
  cities: readonly string[],
  postal: string,
  kycApproval: number,
  tronShare: number,
  taste: Partial<Record<Cluster, number>>,
  emailDomains?: readonly string[],
): Country {
  return {
    code,
    name,
    weight,
    callingCode,
    phoneDigits,
    utcOffset,
    names,
    cities,
    postal,
    kycApproval,
    taste,
    tronShare,
    ...(emailDomains ? { emailDomains } : {}),
  };
}

/** A pool of fake names; `familyFirst` puts the family name first, as in Vietnamese, Korean or Chinese. */
export interface NameGroup {
  readonly given: readonly string[];
  readonly family: readonly string[];
  readonly familyFirst?: boolean;
  readonly streets: readonly string[];
  /** The house number follows the street name ("Hauptstraße 12") instead of preceding it ("12 High Street"). */
  readonly numberAfterStreet?: boolean;
}

/** Fake but plausible names and streets per language area. */
export const NAME_GROUPS: Readonly<Record<string, NameGroup>> = {
  anglo: {
    given: ['James', 'Emily', 'Michael', 'Olivia', 'Daniel', 'Sophie', 'Ryan', 'Jessica', 'Matthew', 'Hannah', 'Liam', 'Chloe', 'Nathan', 'Grace', 'Tyler', 'Megan'],
    family: ['Smith', 'Johnson', 'Williams', 'Brown', 'Taylor', 'Walker', 'Harris', 'Clarke', 'Turner', 'Mitchell', 'Cooper', 'Hughes', 'Bennett', 'Reed'],
    streets: ['Maple Avenue', 'High Street', 'Park Road', 'Oak Lane', 'Church Street', 'Victoria Road', 'Elm Street', 'Mill Lane'],
  },
  nigerian: {
    given: ['Chinedu', 'Oluwaseun', 'Adebayo', 'Ngozi', 'Chiamaka', 'Emeka', 'Funmilayo', 'Tunde', 'Aisha', 'Ifeanyi', 'Yetunde', 'Babajide', 'Kelechi', 'Zainab'],
    family: ['Okafor', 'Adeyemi', 'Balogun', 'Eze', 'Okonkwo', 'Ibrahim', 'Adeleke', 'Nwosu', 'Bello', 'Ogunleye', 'Chukwu', 'Abubakar'],
    streets: ['Admiralty Way', 'Allen Avenue', 'Awolowo Road', 'Herbert Macaulay Way', 'Adeola Odeku Street', 'Ogunlana Drive'],
  },
  ghanaian: {
    given: ['Kwame', 'Ama', 'Kofi', 'Akosua', 'Yaw', 'Abena', 'Kwesi', 'Efua', 'Kojo', 'Adwoa'],
    family: ['Mensah', 'Owusu', 'Boateng', 'Asante', 'Osei', 'Appiah', 'Agyeman', 'Darko', 'Acheampong'],
    streets: ['Oxford Street', 'Liberation Road', 'Ring Road East', 'Independence Avenue', 'Spintex Road'],
  },
  kenyan: {
    given: ['Wanjiru', 'Otieno', 'Kamau', 'Achieng', 'Mwangi', 'Njeri', 'Kiprop', 'Akinyi', 'Omondi', 'Wambui'],
    family: ['Kamau', 'Otieno', 'Mwangi', 'Ochieng', 'Kariuki', 'Njoroge', 'Kiptoo', 'Wafula', 'Mutua'],
    streets: ['Moi Avenue', 'Kenyatta Avenue', 'Ngong Road', 'Waiyaki Way', 'Kimathi Street'],
  },
  southafrican: {
    given: ['Thabo', 'Naledi', 'Sipho', 'Lerato', 'Johan', 'Anika', 'Bongani', 'Zanele', 'Pieter', 'Ayanda'],
    family: ['Dlamini', 'Nkosi', 'Ndlovu', 'van der Merwe', 'Botha', 'Khumalo', 'Mokoena', 'Naidoo', 'Pretorius'],
    streets: ['Jan Smuts Avenue', 'Long Street', 'Oxford Road', 'Rivonia Road', 'Florida Road'],
  },
  turkish: {
    given: ['Mehmet', 'Ayşe', 'Mustafa', 'Elif', 'Emre', 'Zeynep', 'Burak', 'Merve', 'Can', 'Selin', 'Oğuz', 'Büşra', 'Hakan', 'Deniz'],
    family: ['Yılmaz', 'Kaya', 'Demir', 'Şahin', 'Çelik', 'Yıldız', 'Aydın', 'Öztürk', 'Arslan', 'Doğan', 'Koç', 'Kurt'],
    streets: ['Atatürk Caddesi', 'İstiklal Caddesi', 'Cumhuriyet Caddesi', 'Bağdat Caddesi', 'Gazi Mustafa Kemal Bulvarı'],
    numberAfterStreet: true,
  },
  portuguese: {
    given: ['João', 'Maria', 'Lucas', 'Ana', 'Gabriel', 'Beatriz', 'Rafael', 'Juliana', 'Pedro', 'Larissa', 'Thiago', 'Camila'],
    family: ['Silva', 'Santos', 'Oliveira', 'Souza', 'Pereira', 'Costa', 'Rodrigues', 'Almeida', 'Ferreira', 'Carvalho', 'Gomes'],
    streets: ['Rua das Flores', 'Avenida Paulista', 'Rua Augusta', 'Avenida da Liberdade', 'Rua XV de Novembro', 'Rua do Comércio'],
    numberAfterStreet: true,
  },
  spanish: {
    given: ['José', 'Carlos', 'Sofía', 'Valentina', 'Diego', 'Camila', 'Alejandro', 'Lucía', 'Mateo', 'Isabella', 'Andrés', 'Gabriela'],
    family: ['García', 'Martínez', 'López', 'Rodríguez', 'González', 'Hernández', 'Pérez', 'Sánchez', 'Ramírez', 'Torres', 'Flores', 'Díaz'],
    streets: ['Calle Mayor', 'Avenida Libertador', 'Calle Real', 'Avenida Reforma', 'Calle Bolívar', 'Paseo de la Castellana'],
    numberAfterStreet: true,
  },
  german: {
    given: ['Lukas', 'Anna', 'Felix', 'Lea', 'Jonas', 'Laura', 'Maximilian', 'Sophie', 'Leon', 'Marie', 'Paul', 'Johanna'],
    family: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Hoffmann', 'Schulz', 'Koch'],
    streets: ['Hauptstraße', 'Bahnhofstraße', 'Gartenstraße', 'Schillerstraße', 'Goethestraße', 'Lindenweg'],
    numberAfterStreet: true,
  },
  french: {
    given: ['Louis', 'Camille', 'Hugo', 'Léa', 'Arthur', 'Manon', 'Jules', 'Chloé', 'Nathan', 'Inès', 'Théo', 'Sarah'],
    family: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Lefèvre'],
    streets: ['rue de la République', 'avenue Victor Hugo', 'rue Pasteur', 'boulevard Voltaire', 'rue du Moulin'],
  },
  italian: {
    given: ['Giulia', 'Marco', 'Francesca', 'Luca', 'Chiara', 'Alessandro', 'Sara', 'Matteo', 'Martina', 'Davide'],
    family: ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco'],
    streets: ['Via Roma', 'Via Garibaldi', 'Corso Italia', 'Via Dante', 'Via Mazzini', 'Viale Europa'],
    numberAfterStreet: true,
  },
  dutch: {
    given: ['Daan', 'Emma', 'Sem', 'Julia', 'Lars', 'Sanne', 'Thijs', 'Lotte', 'Bram', 'Fleur'],
    family: ['de Jong', 'Jansen', 'de Vries', 'van den Berg', 'Bakker', 'Visser', 'Smit', 'Meijer', 'Peeters', 'Mulder'],
    streets: ['Kerkstraat', 'Dorpsstraat', 'Stationsweg', 'Molenweg', 'Herengracht', 'Schoolstraat'],
    numberAfterStreet: true,
  },
  nordic: {
    given: ['Erik', 'Astrid', 'Oskar', 'Elsa', 'Axel', 'Maja', 'Gustav', 'Ebba', 'Nils', 'Linnea'],
    family: ['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson', 'Lindberg'],
    streets: ['Storgatan', 'Drottninggatan', 'Kungsgatan', 'Skolgatan', 'Järnvägsgatan'],
    numberAfterStreet: true,
  },
  polish: {
    given: ['Jakub', 'Zofia', 'Piotr', 'Katarzyna', 'Tomáš', 'Agnieszka', 'Michał', 'Tereza', 'Krzysztof', 'Magdalena'],
    family: ['Nowak', 'Kowalski', 'Wiśniewski', 'Dvořák', 'Wójcik', 'Novák', 'Kamiński', 'Lewandowska', 'Svoboda', 'Zieliński'],
    streets: ['ulica Długa', 'ulica Polna', 'Náměstí Míru', 'ulica Słoneczna', 'ulica Lipowa', 'Vinohradská'],
    numberAfterStreet: true,
  },
  romanian: {
    given: ['Andrei', 'Ioana', 'Alexandru', 'Elena', 'Mihai', 'Maria', 'Ștefan', 'Andreea', 'Radu', 'Cristina'],
    family: ['Popescu', 'Ionescu', 'Popa', 'Dumitru', 'Stan', 'Constantin', 'Munteanu', 'Georgescu', 'Marin'],
    streets: ['Strada Victoriei', 'Bulevardul Unirii', 'Strada Lipscani', 'Calea Dorobanților', 'Strada Mihai Eminescu'],
    numberAfterStreet: true,
  },
  bulgarian: {
    given: ['Georgi', 'Maria', 'Ivan', 'Elena', 'Dimitar', 'Desislava', 'Nikolay', 'Teodora', 'Stoyan', 'Gergana'],
    family: ['Ivanov', 'Georgieva', 'Dimitrov', 'Petrova', 'Nikolov', 'Stoyanova', 'Todorov', 'Angelova'],
    streets: ['bulevard Vitosha', 'ulitsa Graf Ignatiev', 'bulevard Tsar Osvoboditel', 'ulitsa Rakovski'],
    numberAfterStreet: true,
  },
  russian: {
    given: ['Ivan', 'Olga', 'Dmitry', 'Anastasia', 'Alexei', 'Ekaterina', 'Sergei', 'Natalia', 'Nikita', 'Yulia', 'Artem', 'Daria'],
    family: ['Ivanov', 'Smirnova', 'Kuznetsov', 'Popova', 'Sokolov', 'Lebedeva', 'Kozlov', 'Novikova', 'Morozov', 'Volkova'],
    streets: ['ulitsa Lenina', 'prospekt Mira', 'ulitsa Pushkina', 'Tverskaya ulitsa', 'Sadovaya ulitsa', 'ulitsa Gagarina'],
    numberAfterStreet: true,
  },
  ukrainian: {
    given: ['Oleksandr', 'Olena', 'Andrii', 'Iryna', 'Mykola', 'Tetiana', 'Dmytro', 'Kateryna', 'Serhii', 'Oksana'],
    family: ['Shevchenko', 'Kovalenko', 'Bondarenko', 'Tkachenko', 'Kravchenko', 'Melnyk', 'Boyko', 'Marchenko', 'Lysenko'],
    streets: ['vulytsia Khreshchatyk', 'vulytsia Shevchenka', 'prospekt Peremohy', 'vulytsia Franka', 'vulytsia Sadova'],
    numberAfterStreet: true,
  },
  indian: {
    given: ['Aarav', 'Priya', 'Rahul', 'Ananya', 'Vikram', 'Sneha', 'Arjun', 'Kavya', 'Rohan', 'Pooja', 'Aditya', 'Neha'],
    family: ['Sharma', 'Patel', 'Singh', 'Kumar', 'Gupta', 'Reddy', 'Iyer', 'Nair', 'Mehta', 'Joshi', 'Rao', 'Das'],
    streets: ['MG Road', 'Linking Road', 'Park Street', 'Brigade Road', 'Anna Salai', 'Nehru Nagar Main Road'],
  },
  pakistani: {
    given: ['Ali', 'Fatima', 'Usman', 'Ayesha', 'Hamza', 'Sana', 'Bilal', 'Hira', 'Imran', 'Maryam'],
    family: ['Khan', 'Ahmed', 'Malik', 'Hussain', 'Qureshi', 'Butt', 'Chaudhry', 'Sheikh', 'Raza'],
    streets: ['Shahrah-e-Faisal', 'Mall Road', 'Jinnah Avenue', 'Tariq Road', 'Gulberg Main Boulevard'],
  },
  bengali: {
    given: ['Rahim', 'Nusrat', 'Tanvir', 'Farhana', 'Sabbir', 'Tahmina', 'Arif', 'Sadia', 'Mahmud', 'Rumana'],
    family: ['Rahman', 'Hossain', 'Islam', 'Ahmed', 'Chowdhury', 'Akter', 'Uddin', 'Sarkar', 'Haque'],
    streets: ['Gulshan Avenue', 'Mirpur Road', 'Dhanmondi Road 27', 'Kemal Ataturk Avenue', 'Agrabad Access Road'],
  },
  vietnamese: {
    given: ['Minh Anh', 'Văn Hùng', 'Thu Trang', 'Quốc Huy', 'Ngọc Lan', 'Đức Thắng', 'Thanh Hương', 'Hoàng Nam', 'Bảo Ngọc', 'Tuấn Anh'],
    family: ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ'],
    familyFirst: true,
    streets: ['Đường Lê Lợi', 'Đường Nguyễn Huệ', 'Phố Hàng Bài', 'Đường Trần Hưng Đạo', 'Đường Hai Bà Trưng'],
  },
  indonesian: {
    given: ['Budi', 'Siti', 'Agus', 'Dewi', 'Rizky', 'Putri', 'Ahmad', 'Nur', 'Hafiz', 'Aisyah', 'Eko', 'Wulan'],
    family: ['Santoso', 'Wijaya', 'Saputra', 'Hidayat', 'Pratama', 'Lestari', 'Rahman', 'Ismail', 'Abdullah', 'Tan'],
    streets: ['Jalan Sudirman', 'Jalan Thamrin', 'Jalan Gatot Subroto', 'Jalan Bukit Bintang', 'Jalan Diponegoro'],
  },
  filipino: {
    given: ['Juan', 'Maria', 'Jose', 'Angelica', 'Mark', 'Kristine', 'John Paul', 'Rowena', 'Miguel', 'Patricia'],
    family: ['dela Cruz', 'Reyes', 'Santos', 'Garcia', 'Mendoza', 'Bautista', 'Villanueva', 'Ramos', 'Aquino', 'Castillo'],
    streets: ['Ayala Avenue', 'Rizal Street', 'Mabini Street', 'Bonifacio Drive', 'Osmeña Boulevard'],
  },
  thai: {
    given: ['Somchai', 'Nattaya', 'Anan', 'Siriporn', 'Kittisak', 'Pimchanok', 'Thanawat', 'Kanokwan', 'Prasert'],
    family: ['Saetang', 'Wongsuwan', 'Chaiyaporn', 'Srisuk', 'Boonmee', 'Thongchai', 'Rattanakosin', 'Phromma'],
    streets: ['Sukhumvit Road', 'Silom Road', 'Ratchadaphisek Road', 'Phahonyothin Road', 'Nimmanhaemin Road'],
  },
  korean: {
    given: ['Min-jun', 'Seo-yeon', 'Ji-ho', 'Ha-eun', 'Do-yoon', 'Soo-ah', 'Jun-seo', 'Ji-woo', 'Hyun-woo', 'Ye-jin'],
    family: ['Kim', 'Lee', 'Park', 'Choi', 'Jung', 'Kang', 'Cho', 'Yoon', 'Jang', 'Lim'],
    familyFirst: true,
    streets: ['Teheran-ro', 'Gangnam-daero', 'Sejong-daero', 'Haeundae-ro', 'Olympic-ro'],
  },
  japanese: {
    given: ['Haruto', 'Yui', 'Sota', 'Hina', 'Yuto', 'Sakura', 'Ren', 'Aoi', 'Takumi', 'Mio'],
    family: ['Sato', 'Suzuki', 'Takahashi', 'Tanaka', 'Watanabe', 'Ito', 'Yamamoto', 'Nakamura', 'Kobayashi', 'Kato'],
    familyFirst: true,
    streets: ['Chuo-dori', 'Meiji-dori', 'Omotesando', 'Midosuji', 'Aoyama-dori'],
  },
  chinese: {
    given: ['Wei', 'Mei Ling', 'Jun Hao', 'Xin Yi', 'Kai Wen', 'Hui Min', 'Zhi Hao', 'Ya Ting', 'Jia Le', 'Shu Fen'],
    family: ['Wang', 'Chen', 'Lin', 'Huang', 'Zhang', 'Lee', 'Tan', 'Wong', 'Liu', 'Ng'],
    familyFirst: true,
    streets: ['Nathan Road', 'Orchard Road', 'Zhongxiao East Road', 'Queen’s Road Central', 'Des Voeux Road'],
  },
  arabic: {
    given: ['Mohammed', 'Fatima', 'Omar', 'Layla', 'Youssef', 'Mariam', 'Khalid', 'Noor', 'Ahmed', 'Salma', 'Hassan', 'Amira'],
    family: ['Al-Farsi', 'Haddad', 'Hassan', 'El-Sayed', 'Al-Mansouri', 'Benali', 'Khalil', 'Nasser', 'Al-Qahtani', 'Saleh'],
    streets: ['Sheikh Zayed Road', 'King Fahd Road', 'Tahrir Street', 'Boulevard Mohammed V', 'Al Wasl Road'],
  },
  hebrew: {
    given: ['Noam', 'Yael', 'Itai', 'Noa', 'Omer', 'Tamar', 'Eitan', 'Shira', 'Yonatan', 'Maya'],
    family: ['Cohen', 'Levi', 'Mizrahi', 'Peretz', 'Biton', 'Friedman', 'Avraham', 'Katz', 'Shapiro'],
    streets: ['Rothschild Boulevard', 'Dizengoff Street', 'Jaffa Road', 'Herzl Street', 'Allenby Street'],
  },
};

/** Global e-mail providers and their share of sign-ups. */
export const GLOBAL_EMAIL_DOMAINS: readonly (readonly [string, number])[] = [
  ['gmail.com', 0.55],
  ['yahoo.com', 0.1],
  ['outlook.com', 0.1],
  ['hotmail.com', 0.08],
  ['icloud.com', 0.1],
  ['proton.me', 0.07],
];

/** A listed asset. `chains` are the networks it is deposited and withdrawn on at this exchange. */
export interface Asset {
  readonly symbol: string;
  readonly name: string;
  readonly category: string;
  readonly cluster: Cluster;
  readonly chains: readonly Chain[];
  /** Price in USD at `now`; the history is a random walk that ends here. */
  readonly priceUsd: number;
  /** Daily volatility of log price. */
  readonly volatility: number;
  /** Relative share of trading interest. */
  readonly popularity: number;
  /** Decimals used for quantities. */
  readonly decimals: number;
}

/** About thirty assets with rough late-2025 prices; they only need to be plausible. */
export const ASSETS: readonly Asset[] = [
  asset('BTC', 'Bitcoin', 'layer1', 'majors', ['bitcoin'], 90_000, 0.028, 30, 6),
  asset('ETH', 'Ethereum', 'layer1', 'majors', ['ethereum'], 3_000, 0.036, 18, 5),
  asset('BNB', 'BNB', 'exchange', 'majors', ['bsc'], 880, 0.03, 4, 4),
  asset('XRP', 'XRP', 'payments', 'legacy', ['bsc'], 2.1, 0.045, 4, 1),
  asset('LTC', 'Litecoin', 'payments', 'legacy', ['bsc'], 90, 0.04, 1.3, 3),
  asset('BCH', 'Bitcoin Cash', 'payments', 'legacy', ['bsc'], 520, 0.042, 0.9, 3),
  asset('XLM', 'Stellar', 'payments', 'legacy', ['bsc'], 0.25, 0.045, 0.7, 0),
  asset('TRX', 'TRON', 'payments', 'legacy', ['tron'], 0.28, 0.035, 1.6, 0),
  asset('ADA', 'Cardano', 'layer1', 'legacy', ['bsc'], 0.45, 0.045, 2.2, 1),
  asset('DOT', 'Polkadot', 'layer1', 'legacy', ['bsc'], 2.7, 0.048, 1.2, 2),
  asset('ATOM', 'Cosmos', 'layer1', 'legacy', ['bsc'], 2.9, 0.048, 0.8, 2),
  asset('SOL', 'Solana', 'layer1', 'l1', ['solana'], 140, 0.048, 8, 3),
  asset('AVAX', 'Avalanche', 'layer1', 'l1', ['bsc'], 14, 0.052, 1.8, 2),
  asset('TON', 'Toncoin', 'layer1', 'l1', ['bsc'], 1.6, 0.045, 1.2, 1),
  asset('SUI', 'Sui', 'layer1', 'l1', ['bsc'], 1.6, 0.06, 1.8, 1),
  asset('APT', 'Aptos', 'layer1', 'l1', ['bsc'], 3, 0.058, 0.9, 2),
  asset('NEAR', 'NEAR Protocol', 'layer1', 'l1', ['bsc'], 2.2, 0.056, 1, 1),
  asset('INJ', 'Injective', 'layer1', 'l1', ['ethereum'], 6, 0.06, 0.6, 2),
  asset('POL', 'Polygon', 'layer2', 'l2', ['ethereum'], 0.14, 0.055, 1.1, 0),
  asset('ARB', 'Arbitrum', 'layer2', 'l2', ['ethereum'], 0.22, 0.058, 1.2, 0),
  asset('OP', 'Optimism', 'layer2', 'l2', ['ethereum'], 0.33, 0.058, 0.9, 0),
  asset('DOGE', 'Dogecoin', 'memecoin', 'meme', ['bsc'], 0.16, 0.06, 4, 0),
  asset('SHIB', 'Shiba Inu', 'memecoin', 'meme', ['ethereum'], 0.0000085, 0.062, 2, 0),
  asset('PEPE', 'Pepe', 'memecoin', 'meme', ['ethereum'], 0.0000045, 0.075, 2.6, 0),
  asset('FLOKI', 'Floki', 'memecoin', 'meme', ['bsc', 'ethereum'], 0.00005, 0.075, 0.8, 0),
  asset('WIF', 'dogwifhat', 'memecoin', 'meme', ['solana'], 0.38, 0.08, 1, 0),
  asset('BONK', 'Bonk', 'memecoin', 'meme', ['solana'], 0.0000095, 0.08, 0.9, 0),
  asset('LINK', 'Chainlink', 'defi', 'defi', ['ethereum'], 13, 0.05, 2, 2),
  asset('UNI', 'Uniswap', 'defi', 'defi', ['ethereum'], 6, 0.055, 1.2, 2),
  asset('AAVE', 'Aave', 'defi', 'defi', ['ethereum'], 170, 0.055, 1, 3),
  asset('LDO', 'Lido DAO', 'defi', 'defi', ['ethereum'], 0.65, 0.06, 0.6, 1),
  asset('JUP', 'Jupiter', 'defi', 'defi', ['solana'], 0.25, 0.065, 0.6, 1),
  asset('USDT', 'Tether USD', 'stablecoin', 'stable', ['tron', 'ethereum', 'bsc', 'solana'], 1, 0, 0, 2),
  asset('USDC', 'USD Coin', 'stablecoin', 'stable', ['ethereum', 'solana', 'bsc'], 1, 0, 0, 2),
];

function asset(
  symbol: string,
  name: string,
  category: string,
  cluster: Cluster,
  chains: readonly Chain[],
  priceUsd: number,
  volatility: number,
  popularity: number,
  decimals: number,
): Asset {
  return { symbol, name, category, cluster, chains, priceUsd, volatility, popularity, decimals };
}

/** A market: base asset quoted in a stablecoin. */
export interface Market {
  readonly symbol: string;
  readonly base: number;
  readonly quote: 'USDT' | 'USDC';
}

/** Assets that also trade against USDC (a small share of their volume). */
export const USDC_MARKETS: readonly string[] = ['BTC', 'ETH', 'SOL', 'BNB', 'XRP', 'DOGE', 'PEPE', 'SUI'];

/** Every market: `<asset>USDT` for each non-stable asset, `<asset>USDC` for the majors, and USDCUSDT. */
export const MARKETS: readonly Market[] = (() => {
  const markets: Market[] = [];
  ASSETS.forEach((item, index) => {
    if (item.cluster === 'stable') return;
    markets.push({ symbol: `${item.symbol}USDT`, base: index, quote: 'USDT' });
    if (USDC_MARKETS.includes(item.symbol)) {
      markets.push({ symbol: `${item.symbol}USDC`, base: index, quote: 'USDC' });
    }
  });
  markets.push({ symbol: 'USDCUSDT', base: ASSETS.findIndex((item) => item.symbol === 'USDC'), quote: 'USDT' });
  return markets;
})();

/** The trading products of `trades.product`; `earn` exists only as subscriptions. */
export const TRADE_PRODUCTS = ['spot', 'futures', 'margin'] as const;

/** A row of `products`. */
export interface Product {
  readonly productId: string;
  readonly name: string;
  readonly product: 'spot' | 'futures' | 'margin' | 'earn';
  readonly asset: string | null;
  readonly description: string;
}

/** Products users can view and subscribe to. Earn products are keyed to an asset so holders find them. */
export const PRODUCTS: readonly Product[] = [
  product('spot', 'Spot trading', 'spot', null, 'Buy and sell crypto at the market price against USDT or USDC.'),
  product('futures-usdm', 'USDⓈ-M perpetual futures', 'futures', 'USDT', 'Perpetual contracts margined and settled in USDT, up to 125x leverage.'),
  product('futures-coinm', 'COIN-M futures', 'futures', 'BTC', 'Quarterly and perpetual contracts margined in the base coin.'),
  product('margin-cross', 'Cross margin', 'margin', null, 'Borrow against the whole margin account, up to 3x.'),
  product('margin-isolated', 'Isolated margin', 'margin', null, 'Borrow per trading pair with the risk ring-fenced, up to 10x.'),
  product('earn-usdt-flexible', 'USDT Flexible Savings', 'earn', 'USDT', 'Daily interest on idle USDT, redeem any time.'),
  product('earn-usdc-flexible', 'USDC Flexible Savings', 'earn', 'USDC', 'Daily interest on idle USDC, redeem any time.'),
  product('earn-usdt-locked-90d', 'USDT 90-day Locked Savings', 'earn', 'USDT', 'Higher fixed rate for USDT locked for 90 days.'),
  product('earn-btc-flexible', 'BTC Flexible Savings', 'earn', 'BTC', 'Daily interest on idle BTC.'),
  product('earn-btc-dual-investment', 'BTC Dual Investment', 'earn', 'BTC', 'Enhanced yield with a target price to buy or sell BTC.'),
  product('earn-eth-staking', 'ETH Staking', 'earn', 'ETH', 'Stake ETH and receive a liquid staking token.'),
  product('earn-eth-flexible', 'ETH Flexible Savings', 'earn', 'ETH', 'Daily interest on idle ETH.'),
  product('earn-bnb-launchpool', 'BNB Launchpool', 'earn', 'BNB', 'Stake BNB to farm newly listed tokens.'),
  product('earn-sol-staking', 'SOL Staking', 'earn', 'SOL', 'Native Solana staking with daily rewards.'),
  product('earn-ada-staking', 'ADA Staking', 'earn', 'ADA', 'Delegate ADA to exchange-run stake pools.'),
  product('earn-dot-staking', 'DOT Staking', 'earn', 'DOT', 'Nominate Polkadot validators through the exchange.'),
  product('earn-atom-staking', 'ATOM Staking', 'earn', 'ATOM', 'Stake ATOM with a 21-day unbonding period.'),
  product('earn-near-staking', 'NEAR Staking', 'earn', 'NEAR', 'Stake NEAR with flexible redemption.'),
  product('earn-ton-staking', 'TON Staking', 'earn', 'TON', 'Nominator-pool staking for Toncoin.'),
  product('earn-sui-staking', 'SUI Staking', 'earn', 'SUI', 'Stake SUI with daily rewards.'),
  product('earn-apt-staking', 'APT Staking', 'earn', 'APT', 'Stake Aptos with daily rewards.'),
  product('earn-pol-staking', 'POL Staking', 'earn', 'POL', 'Delegate POL to Polygon validators.'),
];

function product(
  productId: string,
  name: string,
  kind: Product['product'],
  assetSymbol: string | null,
  description: string,
): Product {
  return { productId, name, product: kind, asset: assetSymbol, description };
}

/** Taker and maker fee rates by VIP tier (0–9) for spot/margin and for futures. */
export const FEE_SCHEDULE = {
  spotTaker: [0.001, 0.0009, 0.0008, 0.0007, 0.0006, 0.0005, 0.0004, 0.0003, 0.00025, 0.0002],
  spotMaker: [0.001, 0.0009, 0.0008, 0.0004, 0.0003, 0.0002, 0.00015, 0.0001, 0.00005, 0],
  futuresTaker: [0.0005, 0.00045, 0.0004, 0.00035, 0.00032, 0.0003, 0.00027, 0.00025, 0.00022, 0.0002],
  futuresMaker: [0.0002, 0.00016, 0.00014, 0.00012, 0.0001, 0.00008, 0.00006, 0.00004, 0.00002, 0],
} as const;

/** Share of users per VIP tier, skewed to 0. */
export const VIP_TIER_SHARES = [0.8, 0.08, 0.04, 0.025, 0.018, 0.012, 0.009, 0.007, 0.005, 0.004];
/** How much more often users of each tier trade. */
export const VIP_ACTIVITY = [1, 2.5, 4, 6, 8, 11, 14, 18, 22, 26];
/** How much larger their trades are. */
export const VIP_SIZE = [1, 2, 3, 4.5, 6.5, 9, 12, 16, 22, 30];

/** Sign-up platforms and their shares. */
export const PLATFORMS = ['web', 'ios', 'android', 'api'] as const;
/** Platform of a row (trades, deposits, logins). */
export type Platform = (typeof PLATFORMS)[number];
/** Share of users whose main platform is each of {@link PLATFORMS}. */
export const PLATFORM_SHARES = [0.34, 0.3, 0.33, 0.03];

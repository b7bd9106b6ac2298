// Fills the list from the API (same origin: no CORS needed here).
fetch("/api/items")
  .then((response) => response.json())
  .then((items) => {
    const list = document.getElementById("items");
    for (const item of items) {
      const li = document.createElement("li");
      li.textContent = `${item.name} (${item.price} EUR)`;
      list.append(li);
    }
  });

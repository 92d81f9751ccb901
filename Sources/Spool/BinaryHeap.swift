/// A binary min-heap: ``insert(_:)`` and ``popMin()`` in O(log n), building from an array in O(n).
struct BinaryHeap<Element: Comparable & Sendable>: Sendable {
    /// In heap order: each element is not greater than its children (`2i+1`, `2i+2`).
    private(set) var elements: [Element]

    init(_ elements: [Element] = []) {
        self.elements = elements
        for index in stride(from: elements.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
    }

    var count: Int { elements.count }

    mutating func reserveCapacity(_ capacity: Int) { elements.reserveCapacity(capacity) }

    mutating func insert(_ element: Element) {
        elements.append(element)
        var child = elements.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard elements[child] < elements[parent] else { return }
            elements.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the least element, nil when empty.
    mutating func popMin() -> Element? {
        guard !elements.isEmpty else { return nil }
        elements.swapAt(0, elements.count - 1)
        let least = elements.removeLast()
        siftDown(0)
        return least
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < elements.count else { return }
            let right = left + 1
            let least = right < elements.count && elements[right] < elements[left] ? right : left
            guard elements[least] < elements[parent] else { return }
            elements.swapAt(least, parent)
            parent = least
        }
    }
}
